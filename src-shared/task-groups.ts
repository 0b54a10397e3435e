import { findTask } from './tasks/lookup';

/** What grouping by task needs of a run (RunSummary and RunDetail both fit). */
export interface TaskGroupedRun {
  config: unknown;
  /** The target as listed; for library datasets "pretrain name → target name" (names, where the config has ids). */
  taskLabel?: string | null;
}

/** Runs of one pretrain/target pair: only these may share a retention-vs-gain plot. */
export interface TaskGroup<R> {
  /** e.g. `rotate90`, `rotate90+permuted` (a sequence), or `data-1a2b3c4d+data-5e6f7a8b` (library pretrain + target datasets). */
  key: string;
  /** Readable, e.g. "digits 0-9 → Rotated digits". */
  label: string;
  runs: R[];
}

interface TaskConfig {
  baseModel?: { data?: { source?: string; pretrain?: string } };
  target?: { task?: string; then?: string[]; dataset?: string; thenDatasets?: string[] };
}

/** A run's task-group key and label from its config; an unreadable config is a group of its own. */
export function taskGroupOf(run: TaskGroupedRun): { key: string; label: string } {
  const config = run.config as TaskConfig | null;
  const target = config?.target;
  if (!target?.task) return { key: 'unknown', label: 'unreadable config' };
  const data = config?.baseModel?.data;
  if (data?.source === 'library' && target.dataset !== undefined) {
    const ids = [data.pretrain ?? '?', target.dataset, ...(target.thenDatasets ?? [])];
    return { key: ids.join('+'), label: run.taskLabel ?? ids.join(' → ') };
  }
  const tasks = [target.task, ...(target.then ?? [])];
  const first = findTask(target.task);
  const names = tasks.map((id) => findTask(id)?.label ?? id);
  return { key: tasks.join('+'), label: [first?.pretrainedOn ?? 'pretrain', ...names].join(' → ') };
}

/** Splits runs by pretrain data and target task (or datasets), in order of each group's first run. */
export function taskGroups<R extends TaskGroupedRun>(runs: readonly R[]): TaskGroup<R>[] {
  const groups = new Map<string, TaskGroup<R>>();
  for (const run of runs) {
    const { key, label } = taskGroupOf(run);
    const group = groups.get(key);
    if (group) group.runs.push(run);
    else groups.set(key, { key, label, runs: [run] });
  }
  return [...groups.values()];
}

/** A figure's file name in a bundle: `scatter.svg`, or with runs of several tasks `scatter-task-2.svg` (tasks numbered in taskGroups order). */
export function bundleFigureName(kind: string, group: number, groups: number): string {
  return groups > 1 ? `${kind}-task-${group + 1}.svg` : `${kind}.svg`;
}
