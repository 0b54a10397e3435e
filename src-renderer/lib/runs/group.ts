import type { RunSummary } from '../../../src-shared/api';

/** Runs of one study (or the runs that belong to none), as the Runs table shows them. */
export interface RunGroup {
  key: string;
  name: string;
  runs: RunSummary[];
}

// Pretraining comes first within a study because every fine-tuning run waits for it.
function withinStudy(a: RunSummary, b: RunSummary): number {
  if (a.kind !== b.kind) return a.kind === 'pretrain' ? -1 : 1;
  return b.createdAt.localeCompare(a.createdAt) || a.methodLabel.localeCompare(b.methodLabel) || a.seed - b.seed;
}

/** Groups runs by study, newest study first; runs without a study form one group of their own. */
export function groupRuns(runs: RunSummary[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const key = run.studyId ?? '';
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, name: run.studyId ? run.studyName : 'Without a study', runs: [] }));
    group.runs.push(run);
  }
  const newest = (g: RunGroup) => g.runs.reduce((max, r) => (r.createdAt > max ? r.createdAt : max), '');
  return [...groups.values()]
    .map((g) => ({ ...g, runs: [...g.runs].sort(withinStudy) }))
    .sort((a, b) => newest(b).localeCompare(newest(a)));
}

/** Whether a run can still be cancelled. */
export function isActive(run: RunSummary): boolean {
  return run.status === 'queued' || run.status === 'running';
}
