import type { RunSummary } from '../../src-shared/api';
import { taskGroups } from '../../src-shared/task-groups';
import { ValidationError } from '../../src-shared/validation';

/**
 * Resolves `--runs`: `all` (every fine-tuning run), `tag:<name>` (the runs carrying it), or a
 * comma-separated list of run ids. An unknown id or an empty selection is an error naming it.
 */
export function selectRuns(spec: string, runs: readonly RunSummary[]): RunSummary[] {
  const finetunes = runs.filter((r) => r.kind === 'finetune');
  let chosen: RunSummary[];
  if (spec === 'all') chosen = finetunes;
  else if (spec.startsWith('tag:')) {
    const tag = spec.slice(4);
    chosen = finetunes.filter((r) => r.tags.includes(tag));
    if (!chosen.length) {
      const known = [...new Set(runs.flatMap((r) => r.tags))].sort();
      throw new ValidationError(`no fine-tuning run carries the tag '${tag}'`, [
        `--runs: tag '${tag}' is on no run (tags in the store: ${known.join(', ') || 'none'})`,
      ]);
    }
  } else {
    const ids = spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = ids.filter((id) => !runs.some((r) => r.id === id));
    if (unknown.length)
      throw new ValidationError(
        `no run with id ${unknown.map((u) => `'${u}'`).join(', ')}`,
        unknown.map((u) => `--runs: no run '${u}'`),
      );
    chosen = ids.map((id) => runs.find((r) => r.id === id)!).filter((r) => r.kind === 'finetune');
  }
  if (!chosen.length) throw new ValidationError('no fine-tuning run selected', ['--runs: selects no fine-tuning run (pretraining runs are not compared)']);
  return chosen;
}

/**
 * Applies `--task` to selected runs: the runs of that task group (pretrain data + target). Without it,
 * runs of several groups are refused where they would share one figure (`needsOne`), since the
 * retention and gain of different tasks are not comparable; the error lists the groups and how to pick one.
 */
export function selectTask(runs: RunSummary[], task: string | undefined, needsOne: boolean): RunSummary[] {
  const groups = taskGroups(runs);
  const listing = groups.map((g) => `  ${g.key}: ${g.label} (${g.runs.length} run${g.runs.length === 1 ? '' : 's'})`).join('\n');
  if (task !== undefined) {
    const group = groups.find((g) => g.key === task);
    if (!group)
      throw new ValidationError(`--task '${task}' is the task of none of the selected runs; theirs:\n${listing}`, [
        `--task: no selected run has the task '${task}' (${groups.map((g) => g.key).join(', ')})`,
      ]);
    return group.runs;
  }
  if (needsOne && groups.length > 1)
    throw new ValidationError(
      `the selected runs belong to ${groups.length} tasks (pretrain data → target), which one figure must not mix:\n${listing}\n` +
        `choose one with --task KEY (e.g. --task ${groups[0].key}), or select its runs with --runs tag:NAME or --runs id,id,…`,
      [`--task: needed, the runs belong to ${groups.map((g) => g.key).join(', ')}`],
    );
  return runs;
}
