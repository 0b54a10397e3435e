import { TASKS } from './registry';
import type { TaskDefinition } from './task';

/** A built-in target task's id. */
export type TargetTask = (typeof TASKS)[number]['id'];

/** Every target task's id, in registry order (the study schema's enum). */
export const TARGET_TASKS: readonly TargetTask[] = TASKS.map((t) => t.id);

const byId = new Map<string, TaskDefinition<TargetTask>>();
for (const task of TASKS) {
  if (byId.has(task.id)) throw new Error(`Task '${task.id}' is enrolled twice in src-shared/tasks/registry.ts`);
  byId.set(task.id, task);
}

/** A task's definition by id; a stored or hand-written string that names no task: undefined. */
export function findTask(id: string | null | undefined): TaskDefinition<TargetTask> | undefined {
  return id == null ? undefined : byId.get(id);
}

/** The definition of a task of the registry. */
export function taskOf(id: TargetTask): TaskDefinition<TargetTask> {
  const task = byId.get(id);
  if (!task) throw new Error(`Unknown task '${id}' (tasks: ${TARGET_TASKS.join(', ')})`);
  return task;
}

/** True when a task's target reuses the pretrain head (the same classes); null for library datasets, whose labels decide. */
export function sharesHead(task: TaskDefinition): boolean | null {
  if (task.domain === 'library') return null;
  const { pretrain, target } = task.classes;
  return pretrain.length === target.length && pretrain.every((c, i) => c === target[i]);
}
