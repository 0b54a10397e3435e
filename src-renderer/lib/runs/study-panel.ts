import type { RunStatus, RunSummary, StudyProgress } from '../../../src-shared/api';

/** How long a finished study stays in the progress panel after its last run ended. */
export const RECENT_MS = 15 * 60_000;

// Active states first: they are what a researcher watching a study looks for.
const STATUS_ORDER: RunStatus[] = ['running', 'queued', 'completed', 'failed', 'cancelled'];

/** Whether a study still has runs to train. */
export function studyActive(study: StudyProgress): boolean {
  return study.counts.running + study.counts.queued > 0;
}

/**
 * The studies the progress panel shows, newest first: every one not finished, and the finished ones
 * whose last run ended within `RECENT_MS` of `now` (their end taken from the listed runs).
 */
export function panelStudies(studies: StudyProgress[], runs: RunSummary[], now: number): StudyProgress[] {
  const lastEnd = new Map<string, number>();
  for (const run of runs) {
    if (!run.studyId || !run.endedAt) continue;
    lastEnd.set(run.studyId, Math.max(lastEnd.get(run.studyId) ?? 0, Date.parse(run.endedAt)));
  }
  return studies.filter((s) => s.done < s.total || now - (lastEnd.get(s.id) ?? 0) <= RECENT_MS).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** A study's runs by status, zero counts left out, e.g. "1 running · 3 queued · 2 completed". */
export function statusCounts(counts: Record<RunStatus, number>): string {
  return STATUS_ORDER.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(' · ');
}

/** A run named as the Runs table names it, e.g. "Pretrain mlp" or "Vanilla, seed 1". */
export function runLabel(run: RunSummary): string {
  return run.kind === 'pretrain' ? `Pretrain ${run.recipe}` : `${run.methodLabel}, seed ${run.seed}`;
}

/**
 * Whether the listed runs disagree with the studies' counts: runs another process stored (a CLI on
 * the same store) reach this window as events only once they change, so the list can lack them.
 */
export function runsBehind(studies: StudyProgress[], runs: RunSummary[]): boolean {
  const listed = new Map<string, Record<RunStatus, number>>();
  for (const run of runs) {
    if (!run.studyId) continue;
    let counts = listed.get(run.studyId);
    if (!counts) listed.set(run.studyId, (counts = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 }));
    counts[run.status]++;
  }
  return studies.some((s) => {
    // A study with no runs (every one deleted) has nothing to list.
    if (s.total === 0) return false;
    const counts = listed.get(s.id);
    return !counts || STATUS_ORDER.some((status) => counts[status] !== s.counts[status]);
  });
}
