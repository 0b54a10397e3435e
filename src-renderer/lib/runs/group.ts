import type { RunSummary } from '../../../src-shared/api';

/** Runs of one study (or the runs that belong to none), as the Runs table shows them. */
export interface RunGroup {
  key: string;
  name: string;
  /** When the group's newest run was created (ISO). */
  createdAt: string;
  runs: RunSummary[];
}

// Within a study: pretraining first (every fine-tuning run waits for it), then method × seed as
// launched, so a study reads like its design; creation order would interleave them by milliseconds.
function withinStudy(a: RunSummary, b: RunSummary): number {
  if (a.kind !== b.kind) return a.kind === 'pretrain' ? -1 : 1;
  return a.methodLabel.localeCompare(b.methodLabel) || a.seed - b.seed || b.createdAt.localeCompare(a.createdAt);
}

/** Groups runs by study, newest study first; runs without a study form one group of their own. */
export function groupRuns(runs: RunSummary[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const key = run.studyId ?? '';
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, name: run.studyId ? run.studyName : 'Without a study', createdAt: run.createdAt, runs: [] }));
    group.runs.push(run);
    if (run.createdAt > group.createdAt) group.createdAt = run.createdAt;
  }
  return [...groups.values()].map((g) => ({ ...g, runs: [...g.runs].sort(withinStudy) })).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Whether a run can still be cancelled. */
export function isActive(run: RunSummary): boolean {
  return run.status === 'queued' || run.status === 'running';
}

/** Whether a run can be queued again (the host refuses anything else, with its reason). */
export function isRetryable(run: RunSummary): boolean {
  return run.status === 'failed' || run.status === 'cancelled';
}
