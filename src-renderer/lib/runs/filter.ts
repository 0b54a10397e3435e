import type { RunSummary } from '../../../src-shared/api';
import { matchesQuery, parseQuery } from '../../../src-shared/run-query';

/** The dropdown filters of the Runs table ('' means any). */
export interface RunFilters {
  method: string;
  recipe: string;
  task: string;
  status: string;
  tag: string;
}

/** No filter set. */
export const NO_FILTERS: RunFilters = { method: '', recipe: '', task: '', status: '', tag: '' };

/** The runs that pass the dropdown filters and the search (src-shared/run-query.ts); archived runs only when asked for. */
export function filterRuns(runs: readonly RunSummary[], filters: RunFilters, search: string, showArchived = false): RunSummary[] {
  const terms = parseQuery(search);
  return runs.filter(
    (r) =>
      (showArchived || !r.archived) &&
      (!filters.method || r.methodId === filters.method) &&
      (!filters.recipe || r.recipe === filters.recipe) &&
      (!filters.task || r.task === filters.task) &&
      (!filters.status || r.status === filters.status) &&
      (!filters.tag || r.tags.includes(filters.tag)) &&
      matchesQuery(r, terms),
  );
}

/** The values each dropdown offers: those present among the runs. */
export function filterOptions(runs: readonly RunSummary[]): Record<keyof RunFilters, { value: string; label: string }[]> {
  const unique = (pairs: [string, string][]) =>
    [...new Map(pairs.filter(([v]) => v)).entries()].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
  return {
    method: unique(runs.map((r) => [r.methodId, r.kind === 'pretrain' ? 'Base model pretraining' : r.methodLabel])),
    recipe: unique(runs.map((r) => [r.recipe, r.recipe])),
    task: unique(runs.map((r) => [r.task ?? '', r.task ?? ''])),
    status: unique(runs.map((r) => [r.status, r.status])),
    tag: unique(runs.flatMap((r) => r.tags.map((t): [string, string] => [t, t]))),
  };
}
