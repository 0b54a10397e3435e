import type { Metric, Objective, RunMetrics } from './config';
import { taskOf, type TargetTask } from './tasks/lookup';

// The metrics a task is measured by, apart from config.ts (which re-exports them) so that modules config.ts
// reads (metric columns, search) can use them without a cycle.

/** The metric of an objective: language models by mean token loss, classifiers by accuracy. */
function metricOfObjective(objective: Objective): Metric {
  return objective === 'language-model' ? 'loss' : 'accuracy';
}

/** The metric a task's pretrain side is measured by (A_pre, retention, forgetting, collateral damage, generality sets). */
export function metricOf(task: TargetTask): Metric {
  return metricOfObjective(taskOf(task).objective);
}

/** The objective the target is learned by: the task's own, or its targetObjective where it differs. */
export function targetObjectiveOf(task: TargetTask): Objective {
  const t = taskOf(task);
  return t.targetObjective ?? t.objective;
}

/** The metric a task's target is measured by (A_tgt and target gain). */
export function targetMetricOf(task: TargetTask): Metric {
  return metricOfObjective(targetObjectiveOf(task));
}

/** A run's two metrics: the pretrain side's (its record's `metric`) and the target's (from its task). */
export function runMetricsOf(run: { metric: Metric; target: { task: TargetTask } }): RunMetrics {
  return { pretrain: run.metric, target: targetMetricOf(run.target.task) };
}
