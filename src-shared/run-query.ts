import type { RunHeadline } from './api';
import { flattenConfig } from './config-diff';
import { METRIC_COLUMNS } from './metric-columns';
import { generalityMetrics } from './generality';

// The search language of the Runs view (and `retainlab runs list --where`): words, `tag:x`, and
// conditions `field op value` on a headline metric, a listed fact of the run or a config path.

/** What a run offers the search; the app's RunSummary has all of it, the CLI's stored record the core. */
export interface QueryableRun {
  id: string;
  studyName: string;
  status: string;
  seed: number;
  methodId: string;
  headline: RunHeadline | null;
  config: unknown;
  methodLabel?: string;
  recipe?: string;
  task?: string | null;
  taskLabel?: string | null;
  note?: string;
  tags?: readonly string[];
}

/** One term of a search: a word, a tag, or a condition. */
export type QueryTerm =
  { kind: 'word'; text: string } | { kind: 'tag'; tag: string } | { kind: 'condition'; field: string; op: QueryOp; value: string; source: string };

/** The comparisons a condition may use. */
export type QueryOp = '=' | '!=' | '>' | '<' | '>=' | '<=';

/** The headline metrics a condition may name (the keys of metric-columns.ts, a generality suite's means; its sets as `gen:<set>`, `genRet:<set>`). */
export const QUERY_METRICS: readonly string[] = [...METRIC_COLUMNS.map((c) => c.key), 'aGen', 'retentionGen'];

// A generality set's metric or retention, e.g. `genRet:spam-assassin`.
const SET_METRIC = /^gen(Ret)?:[a-z-]+$/;

// Facts of the listed run that are not config paths (the study's name is also in the config as studyName).
const RUN_FIELDS: Record<string, (run: QueryableRun) => string | null | undefined> = {
  id: (r) => r.id,
  status: (r) => r.status,
  method: (r) => r.methodLabel ?? r.methodId,
  note: (r) => r.note,
};

/** Fields every store has, whatever its runs: metrics and run facts. */
export const FIXED_QUERY_FIELDS: readonly string[] = [...QUERY_METRICS, ...Object.keys(RUN_FIELDS)];

// A field name may hold a generality set's key (`genRet:spam-assassin`).
const CONDITION = /^([A-Za-z0-9_.:-]+)(!=|>=|<=|=|>|<)([\s\S]*)$/;

/** Splits a search at whitespace outside double quotes; quotes group and are dropped (`studyName="Digits study"`). */
function tokens(search: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (const ch of search) {
    if (ch === '"') {
      quoted = !quoted;
      started = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (started) out.push(current);
      [current, started] = ['', false];
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) out.push(current);
  return out.filter((t) => t !== '');
}

/** The terms of a search, in order; every one must match. */
export function parseQuery(search: string): QueryTerm[] {
  return tokens(search).map((token): QueryTerm => {
    if (token.startsWith('tag:')) return { kind: 'tag', tag: token.slice(4) };
    const c = CONDITION.exec(token);
    return c ? { kind: 'condition', field: c[1], op: c[2] as QueryOp, value: c[3], source: token } : { kind: 'word', text: token };
  });
}

/**
 * The config values at a path, which may be a suffix: `learningRate` means budget.learningRate, the
 * shallowest path ending so, not baseModel.pretrain.learningRate (write that one out to test it).
 */
function pathValues(config: unknown, path: string): string[] {
  const matches = [...flattenConfig(config ?? {})].filter(([key]) => key === path || key.endsWith(`.${path}`));
  const depth = (key: string) => key.split('.').length;
  const shallowest = Math.min(...matches.map(([key]) => depth(key)));
  return matches.filter(([key]) => depth(key) === shallowest).map(([, v]) => v);
}

/** The values a field has in a run: a metric, a run fact or config values; [] where the run has none. */
export function fieldValues(run: QueryableRun, field: string): (string | number)[] {
  if (QUERY_METRICS.includes(field) || SET_METRIC.test(field)) {
    const metrics: Record<string, unknown> = { ...run.headline, ...generalityMetrics(run.headline) };
    const v = metrics[field];
    return typeof v === 'number' && Number.isFinite(v) ? [v] : [];
  }
  if (field in RUN_FIELDS) {
    const v = RUN_FIELDS[field](run);
    return v === null || v === undefined ? [] : [v];
  }
  return pathValues(run.config, field);
}

// Number('') is 0: an unfinished term such as `learningRate>` must not read as `learningRate>0`. A
// trailing % reads as hundredths (`retention>90%`).
function toNumber(text: string): number {
  const t = text.trim();
  if (!t) return NaN;
  return t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
}

function compare(value: string | number, op: QueryOp, wanted: string): boolean {
  const a = typeof value === 'number' ? value : toNumber(value),
    b = toNumber(wanted);
  const numeric = Number.isFinite(a) && Number.isFinite(b);
  if (op === '=' || op === '!=') {
    const equal = numeric ? a === b : String(value).toLowerCase() === wanted.toLowerCase();
    return wanted.trim() !== '' && (op === '=' ? equal : !equal);
  }
  if (!numeric) return false;
  return op === '>' ? a > b : op === '<' ? a < b : op === '>=' ? a >= b : a <= b;
}

function termMatches(run: QueryableRun, term: QueryTerm): boolean {
  if (term.kind === 'tag') return (run.tags ?? []).includes(term.tag);
  if (term.kind === 'condition') return fieldValues(run, term.field).some((v) => compare(v, term.op, term.value));
  const haystack = [run.id, run.methodId, run.methodLabel, run.studyName, run.recipe, run.task, run.taskLabel, run.status, run.note, ...(run.tags ?? [])]
    .filter((s) => s)
    .join(' ')
    .toLowerCase();
  return haystack.includes(term.text.toLowerCase());
}

/**
 * Whether a run matches a search: every term must. A word is looked for in the id, method, study,
 * recipe, task, status, tags and note; `tag:x` wants that tag; `field=value` (or !=, <, >, <=, >=)
 * tests a headline metric (`retention>0.9`), a run fact or any config parameter (`learningRate<0.01`).
 */
export function matchesQuery(run: QueryableRun, search: string | readonly QueryTerm[]): boolean {
  const terms = typeof search === 'string' ? parseQuery(search) : search;
  return terms.every((t) => termMatches(run, t));
}

/** The config paths the runs have, sorted (the fields a condition or a column may name besides the fixed ones). */
export function configPaths(runs: readonly QueryableRun[]): string[] {
  const paths = new Set<string>();
  for (const run of runs) for (const key of flattenConfig(run.config ?? {}).keys()) if (key) paths.add(key);
  return [...paths].sort();
}

/** Whether a field names a metric, a run fact, or (by itself or its last segments) one of these config paths. */
export function isKnownField(field: string, paths: readonly string[]): boolean {
  return FIXED_QUERY_FIELDS.includes(field) || SET_METRIC.test(field) || paths.some((p) => p === field || p.endsWith(`.${field}`));
}

/**
 * What is wrong with a search over these runs: a condition on a field that is neither a metric, a run
 * fact nor a config path any run has, or an order comparison with a value that is not a number. An
 * unfinished condition (`learningRate>`) is no error: it matches nothing until its value is typed.
 */
export function queryIssues(search: string, runs: readonly QueryableRun[]): string[] {
  const paths = configPaths(runs);
  const issues: string[] = [];
  for (const term of parseQuery(search)) {
    if (term.kind !== 'condition') continue;
    if (!isKnownField(term.field, paths)) issues.push(`${term.source}: no field '${term.field}'`);
    else if (!['=', '!='].includes(term.op) && term.value.trim() && !Number.isFinite(toNumber(term.value)))
      issues.push(`${term.source}: ${term.op} compares numbers, and '${term.value}' is not one`);
  }
  return issues;
}
