import { describe, expect, it } from 'vitest';
import type { RunStatus, StudyProgress } from '../../src-shared/api';
import { timeLeft } from '../../src-renderer/lib/format';
import { panelStudies, RECENT_MS, runLabel, runsBehind, statusCounts } from '../../src-renderer/lib/runs/study-panel';
import { summary } from './run-fixtures';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const NONE: Record<RunStatus, number> = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };

function study(id: string, counts: Partial<Record<RunStatus, number>>, createdAt = '2026-06-01T10:00:00.000Z'): StudyProgress {
  const all = { ...NONE, ...counts };
  const total = Object.values(all).reduce((a, b) => a + b, 0);
  const done = all.completed + all.failed + all.cancelled;
  return { id, name: id, createdAt, counts: all, total, done, etaSeconds: done === total ? 0 : null, slowestRunId: null };
}

const endedAgo = (id: string, studyId: string, ms: number) => ({ ...summary({ id, studyId }), endedAt: new Date(NOW - ms).toISOString() });

describe('the study progress panel', () => {
  it('shows unfinished studies and those finished recently, newest first, and drops the ones finished long ago', () => {
    const studies = [
      study('old-done', { completed: 3 }, '2026-06-01T08:00:00.000Z'),
      study('running', { completed: 1, running: 1, queued: 2 }, '2026-06-01T09:00:00.000Z'),
      study('just-done', { completed: 2, cancelled: 1 }, '2026-06-01T11:00:00.000Z'),
    ];
    const runs = [endedAgo('a', 'old-done', RECENT_MS + 60_000), endedAgo('b', 'just-done', 60_000), endedAgo('c', 'just-done', RECENT_MS * 2)];
    expect(panelStudies(studies, runs, NOW).map((s) => s.id)).toEqual(['just-done', 'running']);
  });

  it('keeps a study with queued runs that never ran, however old', () => {
    const queued = study('waiting', { queued: 4 }, '2026-01-01T00:00:00.000Z');
    expect(panelStudies([queued], [], NOW)).toEqual([queued]);
  });

  it('sees that the run list lacks runs a study counts, or has them in another status', () => {
    const runs = [summary({ id: 'p', studyId: 's', kind: 'pretrain' }), summary({ id: 'f', studyId: 's', status: 'running' })];
    expect(runsBehind([study('s', { completed: 1, running: 1 })], runs)).toBe(false);
    expect(runsBehind([study('s', { completed: 1, running: 1, queued: 3 })], runs)).toBe(true);
    expect(runsBehind([study('s', { completed: 2 })], runs)).toBe(true);
    expect(runsBehind([study('other', { queued: 1 })], runs)).toBe(true);
  });

  it('lists status counts active first and leaves out the zeros', () => {
    expect(statusCounts({ ...NONE, completed: 2, queued: 3, running: 1, failed: 1 })).toBe('1 running · 3 queued · 2 completed · 1 failed');
    expect(statusCounts(NONE)).toBe('');
  });

  it('names a pretraining run by its recipe and a fine-tuning run by method and seed', () => {
    expect(runLabel(summary({ id: 'p', kind: 'pretrain', recipe: 'cnn' }))).toBe('Pretrain cnn');
    expect(runLabel(summary({ id: 'f', methodLabel: 'EWC', seed: 2 }))).toBe('EWC, seed 2');
  });
});

describe('time left in words', () => {
  it('rounds to minutes and hours, and says a dash when unknown', () => {
    expect(timeLeft(null)).toBe('–');
    expect(timeLeft(0)).toBe('under a minute left');
    expect(timeLeft(59)).toBe('under a minute left');
    expect(timeLeft(170)).toBe('about 3 min left');
    expect(timeLeft(3600 + 5 * 60 + 10)).toBe('about 1 h 05 min left');
  });
});
