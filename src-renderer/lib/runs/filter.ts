import type { RunSummary } from '../../../src-shared/api';
import { flattenConfig } from '../../../src-shared/config-diff';

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

// `path=value`, `path!=value`, `path>n`, `path<n`, `path>=n`, `path<=n`.
const CONDITION = /^([A-Za-z0-9_.]+)(!=|>=|<=|=|>|<)(.*)$/;

/**
 * The values at a path, which may be a suffix: `learningRate` means budget.learningRate, the
 * shallowest path ending so, not baseModel.pretrain.learningRate (write that one out to test it).
 */
function pathValues(run: RunSummary, path: string): string[] {
  const matches = [...flattenConfig(run.config)].filter(([key]) => key === path || key.endsWith(`.${path}`));
  const depth = (key: string) => key.split('.').length;
  const shallowest = Math.min(...matches.map(([key]) => depth(key)));
  return matches.filter(([key]) => depth(key) === shallowest).map(([, v]) => v);
}

function compare(value: string, op: string, wanted: string): boolean {
  if (op === '=') return value.toLowerCase() === wanted.toLowerCase();
  if (op === '!=') return value.toLowerCase() !== wanted.toLowerCase();
  // Number('') is 0: an unfinished term such as `learningRate>` must not read as `learningRate>0`.
  const a = value.trim() ? Number(value) : NaN,
    b = wanted.trim() ? Number(wanted) : NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return op === '>' ? a > b : op === '<' ? a < b : op === '>=' ? a >= b : a <= b;
}

function tokenMatches(run: RunSummary, token: string): boolean {
  if (token.startsWith('tag:')) return run.tags.includes(token.slice(4));
  const condition = CONDITION.exec(token);
  if (condition) return pathValues(run, condition[1]).some((v) => compare(v, condition[2], condition[3]));
  const haystack = [run.id, run.methodId, run.methodLabel, run.studyName, run.recipe, run.task ?? '', run.taskLabel ?? '', run.status, run.note, ...run.tags]
    .join(' ')
    .toLowerCase();
  return haystack.includes(token.toLowerCase());
}

/**
 * Whether a run matches a search: every whitespace-separated token must match. A plain word is
 * looked for in the id, method, study, recipe, task, status, tags and note; `tag:x` wants that tag;
 * `path=value` (or !=, <, >, <=, >=) tests any config parameter, e.g. `learningRate<0.01`, `method.params.rank=8`.
 */
export function matchesSearch(run: RunSummary, search: string): boolean {
  return search
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .every((t) => tokenMatches(run, t));
}

/** The runs that pass the dropdown filters and the search. */
export function filterRuns(runs: readonly RunSummary[], filters: RunFilters, search: string): RunSummary[] {
  return runs.filter(
    (r) =>
      (!filters.method || r.methodId === filters.method) &&
      (!filters.recipe || r.recipe === filters.recipe) &&
      (!filters.task || r.task === filters.task) &&
      (!filters.status || r.status === filters.status) &&
      (!filters.tag || r.tags.includes(filters.tag)) &&
      matchesSearch(r, search),
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
