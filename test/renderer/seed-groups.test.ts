import { describe, expect, it } from 'vitest';
import { comparisonRows } from '../../src-shared/compare-rows';
import { groupRuns, isActive } from '../../src-renderer/lib/runs/group';
import { headline, summary } from './run-fixtures';

describe('seed groups of the Runs table (runs that differ only by seed)', () => {
  const vanilla = [0.8, 0.84, 0.82].map((aPre, seed) => summary({ id: `v${seed}`, seed, headline: headline(aPre, 0.6) }));
  const fastVanilla = summary({ id: 'fast', seed: 0, learningRate: 0.01, headline: headline(0.5, 0.7) });
  const wiseft = [0, 1].map((seed) =>
    summary({ id: `w${seed}`, seed, methodId: 'wise-ft', methodLabel: 'WiSE-FT', params: { alphas: [0, 0.5, 1], keep: 0.5 }, headline: headline(0.86, 0.55) }),
  );

  it('puts the three seeds of one experiment in one row with mean, sample std and 95% t-interval of each metric', () => {
    const [row] = comparisonRows(vanilla);
    expect(row.runs.map((r) => r.id)).toEqual(['v0', 'v1', 'v2']);
    expect(row.seeds).toEqual([0, 1, 2]);
    const aPre = row.metrics.aPre;
    // mean 0.82, std 0.02, half-width t(0.975, 2)·0.02/√3 = 4.302653·0.011547 = 0.0496827.
    expect(aPre.n).toBe(3);
    expect(aPre.mean).toBeCloseTo(0.82, 12);
    expect(aPre.std).toBeCloseTo(0.02, 12);
    expect(aPre.ci95![0]).toBeCloseTo(0.82 - 0.0496827, 6);
    expect(aPre.ci95![1]).toBeCloseTo(0.82 + 0.0496827, 6);
    // Identical values across seeds: no spread, an interval of zero width.
    expect(row.metrics.aTgt.std).toBe(0);
    expect(row.metrics.aTgt.ci95).toEqual([0.6, 0.6]);
  });

  it('keeps runs that differ in a parameter apart and names the parameter in their labels', () => {
    const rows = comparisonRows([...vanilla, fastVanilla]);
    expect(rows.map((r) => r.runs.map((x) => x.id))).toEqual([['v0', 'v1', 'v2'], ['fast']]);
    expect(rows.map((r) => r.label)).toEqual(['Vanilla fine-tuning (lr=0.001)', 'Vanilla fine-tuning (lr=0.01)']);
    // One seed: a mean but no spread.
    expect(rows[1].metrics.aPre).toEqual({ n: 1, mean: 0.5, std: null, ci95: null });
  });

  it('keeps methods apart and leaves a parameter only one method has out of the labels', () => {
    const rows = comparisonRows([...vanilla, ...wiseft]);
    expect(rows.map((r) => [r.methodId, r.label, r.seeds])).toEqual([
      ['vanilla', 'Vanilla fine-tuning', [0, 1, 2]],
      ['wise-ft', 'WiSE-FT', [0, 1]],
    ]);
  });

  it('joins seeds of a study repeated under another name', () => {
    const again = summary({ id: 'v3', seed: 3, studyName: 'digits study, more seeds', studyId: 'study-2', headline: headline(0.86, 0.6) });
    const [row, ...rest] = comparisonRows([...vanilla, again]);
    expect(rest).toEqual([]);
    expect(row.seeds).toEqual([0, 1, 2, 3]);
    expect(row.metrics.aPre.mean).toBeCloseTo(0.83, 12);
  });

  it('counts only the seeds that have a value: a failed seed does not pull the mean to zero', () => {
    const failed = summary({ id: 'v9', seed: 9, status: 'failed', headline: null });
    const [row] = comparisonRows([...vanilla, failed]);
    expect(row.seeds).toEqual([0, 1, 2, 9]);
    expect(row.metrics.aPre.n).toBe(3);
    expect(row.metrics.aPre.mean).toBeCloseTo(0.82, 12);
    // Flags and nested results are not metrics.
    expect(row.metrics.aTgtBaseIsProbe).toBeUndefined();
  });
});

describe('study groups of the Runs table', () => {
  const runs = [
    summary({ id: 'old-v1', studyId: 'old', studyName: 'Old study', seed: 1, createdAt: '2026-01-01T00:00:02.000Z' }),
    summary({ id: 'new-l2', studyId: 'new', studyName: 'New study', methodId: 'l2-sp', methodLabel: 'L2-SP', createdAt: '2026-02-01T00:00:03.000Z' }),
    summary({ id: 'loose', studyId: null, studyName: '', createdAt: '2026-01-15T00:00:00.000Z' }),
    summary({
      id: 'old-base',
      studyId: 'old',
      studyName: 'Old study',
      kind: 'pretrain',
      methodId: 'pretrain',
      methodLabel: 'Pretraining',
      createdAt: '2026-01-01T00:00:00.000Z',
    }),
    summary({ id: 'old-v0', studyId: 'old', studyName: 'Old study', seed: 0, createdAt: '2026-01-01T00:00:05.000Z' }),
    summary({
      id: 'new-base',
      studyId: 'new',
      studyName: 'New study',
      kind: 'pretrain',
      methodId: 'pretrain',
      methodLabel: 'Pretraining',
      createdAt: '2026-02-01T00:00:00.000Z',
    }),
  ];

  it('lists the newest study first and runs without a study as a group of their own', () => {
    const groups = groupRuns(runs);
    expect(groups.map((g) => [g.key, g.name])).toEqual([
      ['new', 'New study'],
      ['', 'Without a study'],
      ['old', 'Old study'],
    ]);
    // A group is as new as its newest run.
    expect(groups[2].createdAt).toBe('2026-01-01T00:00:05.000Z');
  });

  it('orders a study as designed: pretraining first, then by method and seed, not by creation time', () => {
    const old = groupRuns(runs).find((g) => g.key === 'old')!;
    expect(old.runs.map((r) => r.id)).toEqual(['old-base', 'old-v0', 'old-v1']);
    expect(groupRuns(runs)[0].runs.map((r) => r.id)).toEqual(['new-base', 'new-l2']);
  });

  it('counts queued and running runs as active (cancellable), finished ones not', () => {
    const statuses = ['queued', 'running', 'completed', 'cancelled', 'failed'] as const;
    expect(statuses.filter((status) => isActive(summary({ id: status, status })))).toEqual(['queued', 'running']);
  });
});
