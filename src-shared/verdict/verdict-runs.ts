// Listed runs (RunSummary, RunDetail) as a verdict reads them: the one mapping behind the Compare view's headroom panel
// and every table it exports, so the panel and the files name the same arms with the same numbers.
import { seedGroupKey } from '../aggregate';
import { comparisonRows, type ComparableRun } from '../compare-rows';
import type { Metric, StoredRunConfig } from '../config';
import { taskGroups } from '../task-groups';
import { armsOf, type VerdictRun } from './arms';
import { headroomRows, type HeadroomRow } from './headroom';

/** What the mapping needs of a listed run (RunSummary and RunDetail both fit). */
export interface VerdictSourceRun extends ComparableRun {
  status: string;
  config: StoredRunConfig | null;
  metric: Metric | null;
  headline: { aPre: number; aTgt: number } | null;
}

/** The headroom rows of one task's runs (pretrain data → target): random rehearsal, the oracle and variants compare only within a task. */
export interface TaskHeadroom {
  task: string;
  metric: Metric;
  rows: HeadroomRow[];
}

/**
 * The completed fine-tuning runs among `runs` with a headline, each labelled as the Compare view labels its experiment
 * (the labels are worked out over all of `runs`, so pass the runs one comparison table shows).
 */
export function verdictRuns(runs: readonly VerdictSourceRun[]): VerdictRun[] {
  const labels = new Map(comparisonRows(runs).flatMap((row) => row.runs.map((r) => [r.id, row.label] as const)));
  return runs.flatMap((run) => {
    const config = run.config;
    if (run.status !== 'completed' || config?.kind !== 'finetune' || !run.headline) return [];
    return [
      {
        key: seedGroupKey(config),
        label: labels.get(run.id)!,
        method: { id: config.method.id, params: config.method.params, with: config.method.with },
        sweep: config.sweep ?? null,
        seed: run.seed,
        aPre: run.headline.aPre,
        aTgt: run.headline.aTgt,
      },
    ];
  });
}

/**
 * The mix-cd headroom of each task among `runs` that has random rehearsal, the oracle and an estimated variant at one
 * memory budget; tasks without any such row, or whose runs measure A_pre by different metrics, are left out.
 */
export function headroomOfRuns(runs: readonly VerdictSourceRun[]): TaskHeadroom[] {
  return taskGroups(runs).flatMap((group) => {
    const metrics = new Set(group.runs.flatMap((r) => (r.metric ? [r.metric] : [])));
    if (metrics.size !== 1) return [];
    const [metric] = metrics;
    const rows = headroomRows(armsOf(verdictRuns(group.runs)), metric);
    return rows.length ? [{ task: group.label, metric, rows }] : [];
  });
}
