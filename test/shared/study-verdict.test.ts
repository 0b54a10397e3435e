import { describe, expect, it } from 'vitest';
import { seedBootstrap, meanAt } from '../../src-shared/seed-bootstrap';
import { aPreAtTarget, armsOf, differenceAtEqualTarget, type VerdictRun } from '../../src-shared/verdict/arms';
import { headroomRows } from '../../src-shared/verdict/headroom';
import { spearman, studyVerdict } from '../../src-shared/verdict/study-verdict';
import { metricText } from '../../src-shared/verdict/format-estimate';

/** Runs of one setting over seeds 0..n−1 with these A_pre and A_tgt values. */
function arm(
  label: string,
  id: string,
  params: Record<string, unknown>,
  point: Record<string, number | string> | null,
  aPre: number[],
  aTgt: number[],
): VerdictRun[] {
  return aPre.map((p, seed) => ({
    key: label,
    label,
    method: { id, params, with: [] },
    sweep: point ? { id: `methods.${id}`, point } : null,
    seed,
    aPre: p,
    aTgt: aTgt[seed],
  }));
}

describe('seed bootstrap', () => {
  it('gives the statistic over every seed, an interval around it, the same each time, and none for one seed', () => {
    const values = [0.9, 0.92, 0.91, 0.95, 0.88];
    const a = seedBootstrap(values.length, (rows) => meanAt(values, rows))!;
    expect(a.value).toBeCloseTo(0.912, 10);
    expect(a.interval![0]).toBeLessThan(a.value);
    expect(a.interval![1]).toBeGreaterThan(a.value);
    expect(a.interval![0]).toBeGreaterThanOrEqual(0.88);
    expect(seedBootstrap(values.length, (rows) => meanAt(values, rows))).toEqual(a);
    expect(seedBootstrap(1, () => 3)).toEqual({ value: 3, interval: null, undefinedShare: 0 });
  });
});

describe('headroom share', () => {
  const runs = [
    ...arm('random 8', 'rehearsal', { memoryBatch: 8 }, { 'method.params.memoryBatch': 8 }, [0.9, 0.91, 0.9, 0.92], [0.9, 0.9, 0.9, 0.9]),
    ...arm('random 32', 'rehearsal', { memoryBatch: 32 }, { 'method.params.memoryBatch': 32 }, [0.94, 0.95, 0.94, 0.95], [0.85, 0.85, 0.85, 0.85]),
    ...arm('oracle 8', 'mixcd', { memoryBatch: 8, variant: 'oracle' }, { 'method.params.memoryBatch': 8 }, [0.94, 0.95, 0.94, 0.96], [0.9, 0.9, 0.9, 0.9]),
    ...arm('oracle 32', 'mixcd', { memoryBatch: 32, variant: 'oracle' }, { 'method.params.memoryBatch': 32 }, [0.93, 0.94, 0.94, 0.94], [0.8, 0.8, 0.8, 0.8]),
    // Halfway between random and the oracle at 8, seed by seed; 2 points of A_tgt lost.
    ...arm(
      'class 8',
      'mixcd',
      { memoryBatch: 8, partition: 'class', variant: 'estimated' },
      { 'method.params.memoryBatch': 8, 'method.params.partition': 'class' },
      [0.92, 0.93, 0.92, 0.94],
      [0.88, 0.88, 0.88, 0.88],
    ),
    ...arm(
      'class 32',
      'mixcd',
      { memoryBatch: 32, partition: 'class', variant: 'estimated' },
      { 'method.params.memoryBatch': 32, 'method.params.partition': 'class' },
      [0.94, 0.95, 0.94, 0.95],
      [0.85, 0.85, 0.85, 0.85],
    ),
  ];

  it('is (A_pre(variant) − A_pre(random)) / (A_pre(oracle) − A_pre(random)) at the same memory budget, with the A_tgt cost', () => {
    const [at8] = headroomRows(armsOf(runs), 'accuracy');
    expect(at8).toMatchObject({ label: 'class 8', memoryBatch: 8, random: 'random 8', oracle: 'oracle 8', seeds: 4 });
    expect(at8.share!.value).toBeCloseTo(0.5, 10);
    expect(at8.headroom.value).toBeCloseTo(0.04, 10);
    expect(at8.targetCost.value).toBeCloseTo(-0.02, 10);
    // Paired seed by seed the variant is exactly halfway, so every resample says one half.
    expect(at8.share!.interval![0]).toBeCloseTo(0.5, 10);
    expect(at8.share!.interval![1]).toBeCloseTo(0.5, 10);
  });

  it('has no share where the oracle kept no more than random rehearsal', () => {
    const at32 = headroomRows(armsOf(runs), 'accuracy')[1];
    expect(at32).toMatchObject({ label: 'class 32', memoryBatch: 32, share: null, undefinedShare: 1 });
    expect(at32.headroom.value).toBeCloseTo(-0.0075, 10);
  });

  it('leaves out a variant without random rehearsal or an oracle at its budget', () => {
    const only = runs.filter((r) => r.label !== 'oracle 8');
    expect(headroomRows(armsOf(only), 'accuracy').map((r) => r.label)).toEqual(['class 32']);
  });
});

describe('study verdict', () => {
  const runs = [
    ...arm('vanilla', 'vanilla', {}, null, [0.4, 0.42, 0.41], [0.8, 0.79, 0.81]),
    ...arm('LoRA rank=1', 'lora', { rank: 1 }, { 'method.params.rank': 1 }, [0.9, 0.92, 0.91], [0.2, 0.21, 0.22]),
    ...arm('LoRA rank=4', 'lora', { rank: 4 }, { 'method.params.rank': 4 }, [0.7, 0.72, 0.71], [0.5, 0.52, 0.51]),
    ...arm('LoRA rank=16', 'lora', { rank: 16 }, { 'method.params.rank': 16 }, [0.5, 0.52, 0.51], [0.7, 0.69, 0.71]),
    // Worse than rank 4 on both: off the frontier.
    ...arm('EWC', 'ewc', {}, null, [0.6, 0.6, 0.6], [0.4, 0.4, 0.4]),
  ];
  const verdict = studyVerdict(runs, { description: 'Lower rank forgets less and learns less.', reference: { id: 'vanilla' } }, 'accuracy');

  it('compares every arm with the reference seed by seed', () => {
    const rank1 = verdict.arms.find((a) => a.label === 'LoRA rank=1')!;
    expect(rank1.vsReference).toMatchObject({ label: 'vanilla', seeds: 3 });
    expect(rank1.vsReference!.aPre.value).toBeCloseTo(0.5, 10);
    expect(rank1.vsReference!.aTgt.value).toBeCloseTo(-0.59, 10);
    expect(verdict.arms.find((a) => a.label === 'vanilla')!.vsReference).toBeNull();
    expect(verdict).toMatchObject({ description: 'Lower rank forgets less and learns less.', reference: 'vanilla', metric: 'accuracy' });
  });

  it('marks the arms no other beats on both A_pre and A_tgt', () => {
    expect(verdict.arms.filter((a) => a.onFrontier).map((a) => a.label)).toEqual(['vanilla', 'LoRA rank=1', 'LoRA rank=4', 'LoRA rank=16']);
  });

  it('reports the trend along a swept axis: A_pre falls and A_tgt rises with the rank', () => {
    expect(verdict.trends).toHaveLength(1);
    expect(verdict.trends[0]).toMatchObject({ axis: 'method.params.rank', values: [1, 4, 16], rhoPre: -1, rhoTgt: 1 });
  });

  it('ranks ties by their average (Spearman)', () => {
    expect(spearman([1, 2, 3, 4], [1, 1, 2, 3])).toBeCloseTo(0.9486833, 6);
    expect(spearman([1, 2, 3], [5, 5, 5])).toBe(0);
  });
});

describe('A_pre at equal target accuracy', () => {
  // θ₀ first, then three evaluations: A_tgt rises 0.2 → 0.5 → 0.8 → 0.9 while A_pre falls 0.95 → 0.8 → 0.5 → 0.4.
  const curve: [number, number][] = [
    [0.2, 0.95],
    [0.5, 0.8],
    [0.8, 0.5],
    [0.9, 0.4],
  ];

  it('reads A_pre off the trajectory where it first reaches the A_tgt, linearly between evaluations', () => {
    expect(aPreAtTarget(curve, 0.65)).toBeCloseTo(0.65, 10);
    expect(aPreAtTarget(curve, 0.5)).toBe(0.8);
    expect(aPreAtTarget(curve, 0.9)).toBe(0.4);
    expect(aPreAtTarget(curve, 0.95)).toBeNull();
  });

  it('compares an arm with the reference stopped at the arm’s A_tgt, seed by seed, over the seeds where the reference got there', () => {
    const [recall, reference] = armsOf([
      ...arm('RecAdam', 'recadam', {}, null, [0.75, 0.7, 0.9], [0.65, 0.65, 0.99]),
      ...arm('vanilla', 'vanilla', {}, null, [0.4, 0.4, 0.4], [0.9, 0.9, 0.9]).map((r) => ({ ...r, curve })),
    ]);
    // Seeds 0 and 1: vanilla kept 0.65 at A_tgt 0.65; seed 2's 0.99 vanilla never reached.
    const d = differenceAtEqualTarget(recall, reference)!;
    expect(d.seeds).toBe(2);
    expect(d.value).toBeCloseTo((0.1 + 0.05) / 2, 10);
  });
});

describe('verdict numbers as text', () => {
  it('signs differences, and never writes a rounded zero as −0.0 or +0.0', () => {
    expect(metricText(0.0123, 'accuracy', true)).toBe('+1.2');
    expect(metricText(-0.0004, 'accuracy', true)).toBe('0.0');
    expect(metricText(0.0004, 'accuracy', true)).toBe('0.0');
    expect(metricText(-0.25, 'loss', true)).toBe('-0.250');
  });
});

describe('the verdict of a language model fine-tuned into a classifier', () => {
  it('ranks each side by its own metric: a lower pretrain loss and a higher target accuracy are better', () => {
    const runs = [
      ...arm('keeps more, learns more', 'l2-sp', {}, null, [2.0, 2.1, 2.0], [0.9, 0.92, 0.91]),
      ...arm('forgets, learns less', 'vanilla', {}, null, [2.6, 2.7, 2.6], [0.8, 0.82, 0.81]),
    ];
    const verdict = studyVerdict(runs, {}, { pretrain: 'loss', target: 'accuracy' });
    expect([verdict.metric, verdict.targetMetric]).toEqual(['loss', 'accuracy']);
    expect(verdict.arms.map((a) => [a.label, a.onFrontier])).toEqual([
      ['keeps more, learns more', true],
      ['forgets, learns less', false],
    ]);
    // One metric for both sides (the loss) would call the higher accuracy worse: both arms would be on the frontier.
    expect(studyVerdict(runs, {}, 'loss').arms.every((a) => a.onFrontier)).toBe(true);
  });
});
