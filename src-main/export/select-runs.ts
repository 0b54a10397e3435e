import type { RunSummary } from '../../src-shared/api';
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
