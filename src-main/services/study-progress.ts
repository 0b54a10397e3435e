import type { RunProgress, StudyProgress } from '../../src-shared/api';
import { runsOfStudy, type RunRecord } from '../db/runs';
import type { StudyCounts } from '../db/studies';
import type { Db } from '../db/types';

const seconds = (from: string, to: number) => Math.max(0, (to - Date.parse(from)) / 1000);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * A study's progress and time left. A running run's estimate is its engine's own (this process's runs),
 * else the mean duration of the study's completed runs of its kind less the time it has run; a queued
 * run counts that mean. The work left is shared among `parallel` engines, but the study cannot end
 * before its slowest running run.
 */
export function studyProgress(
  db: Db,
  study: StudyCounts,
  progressOf: (runId: string) => RunProgress | null,
  parallel: number,
  now = Date.now(),
): StudyProgress {
  const { counts } = study;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const done = counts.completed + counts.failed + counts.cancelled;
  // A finished study needs none of its runs read.
  if (done === total) return { id: study.id, name: study.name, createdAt: study.createdAt, counts, total, done, etaSeconds: 0, slowestRunId: null };
  const runs = runsOfStudy(db, study.id);
  const durations = (kind: RunRecord['kind']) =>
    runs.filter((r) => r.kind === kind && r.status === 'completed' && r.startedAt && r.endedAt).map((r) => seconds(r.startedAt!, Date.parse(r.endedAt!)));
  const typical = { pretrain: mean(durations('pretrain')), finetune: mean(durations('finetune')) };
  const running = runs
    .filter((r) => r.status === 'running')
    .map((r) => {
      const own = progressOf(r.id)?.etaSeconds;
      const guess = typical[r.kind] === null || !r.startedAt ? null : Math.max(0, typical[r.kind]! - seconds(r.startedAt, now));
      return { id: r.id, left: own ?? guess };
    });
  const queued = runs.filter((r) => r.status === 'queued').map((r) => typical[r.kind]);
  const known = [...running.map((r) => r.left), ...queued];
  const slowest = running.reduce<{ id: string; left: number } | null>(
    (best, r) => (r.left !== null && (!best || r.left > best.left) ? { id: r.id, left: r.left } : best),
    null,
  );
  let etaSeconds: number | null = null;
  if (known.every((k) => k !== null)) {
    const work = (known as number[]).reduce((a, b) => a + b, 0);
    etaSeconds = Math.max(slowest?.left ?? 0, work / Math.max(1, parallel));
  }
  return { id: study.id, name: study.name, createdAt: study.createdAt, counts, total, done, etaSeconds, slowestRunId: slowest?.id ?? null };
}
