import { groupBySeed, scalarMetrics, type SeedGroup, type SeedStat } from './aggregate';
import { flattenConfig } from './config-diff';
import type { RunHeadline } from './api';
import { generalityMetrics } from './generality';
import { taskGroupOf } from './task-groups';

/** What a comparison needs of a run (RunSummary and RunDetail both fit). */
export interface ComparableRun {
  id: string;
  methodId: string;
  methodLabel: string;
  seed: number;
  config: unknown;
  headline: object | null;
  /** Library studies: "pretrain → target" by dataset name (names the task when runs of several tasks are compared). */
  taskLabel?: string | null;
}

/** One experiment of a comparison: a seed group with a readable label and its metrics across seeds. */
export interface ComparisonRow<R extends ComparableRun = ComparableRun> {
  key: string;
  /** Method label plus the settings that tell this row from the others of its method, e.g. "LoRA (r=4)", "WiSE-FT interpolation (α=0.5)". */
  label: string;
  methodId: string;
  runs: R[];
  /** In increasing order. */
  seeds: number[];
  metrics: Record<string, SeedStat>;
}

// Paths the label never needs: the method is named by its label (its parameters are read per
// component, below), seeds are what is aggregated, the rest is record bookkeeping (a sweep tag repeats values found elsewhere).
const UNLABELLED = /^(method(\.|$)|seed$|studyName$|version$|kind$|sweep(\.|$))/;

// A parameter whose value says what the row's numbers are: WiSE-FT reports the model at one α of its sweep.
const ALWAYS_NAMED = new Set(['reportAlpha']);

/** Paper notation for the settings most often swept; anything else keeps its own name. */
export const SHORT_NAMES: Record<string, string> = { reportAlpha: 'α', rank: 'r', lambda: 'λ', learningRate: 'lr', batchSize: 'batch' };

// A legend entry names at most this many settings, each value cut at VALUE_CHARS characters.
const MAX_SETTINGS = 3;
const VALUE_CHARS = 14;

/** One config value of a group that may tell it from others: compared only with groups of the same scope. */
interface Setting {
  path: string;
  name: string;
  value: string;
  /** Method parameters compare within one method (or combination) of one task, other settings within one task. */
  scope: string;
}

function settingName(path: string): string {
  const last = path.split('.').pop()!;
  if (path.startsWith('budget.')) return SHORT_NAMES[last] ?? last;
  if (path.startsWith('baseModel.pretrain.')) return `pretrain ${SHORT_NAMES[last] ?? last}`;
  return path.replace(/^(baseModel\.data|baseModel|target)\./, '');
}

function settingsOf(run: ComparableRun, task: string): Setting[] {
  const out: Setting[] = [];
  for (const [path, value] of flattenConfig(run.config)) {
    // A key whose value is undefined is absent (flattenConfig keeps it).
    if (path && value !== undefined && !UNLABELLED.test(path)) out.push({ path, name: settingName(path), value, scope: task });
  }
  const method = (run.config as { method?: { params?: unknown; with?: { id: string; params?: unknown }[] } } | null)?.method;
  const parts = [{ id: run.methodId, params: method?.params }, ...(method?.with ?? [])];
  const scope = `${task}|${parts.map((p) => p.id).join('+')}`;
  parts.forEach((part, i) => {
    for (const [name, value] of flattenConfig(part.params ?? {})) {
      if (name && value !== undefined) out.push({ path: `method.${i}.${name}`, name: SHORT_NAMES[name] ?? name, value, scope });
    }
  });
  return out;
}

function shown(setting: Setting): string {
  const value = setting.value.length > VALUE_CHARS ? `${setting.value.slice(0, VALUE_CHARS - 1)}…` : setting.value;
  return `${setting.name}=${value}`;
}

/**
 * Labels each group "Method (settings)": the settings that tell it from another group of the same
 * task having the same setting with another value, a method's parameters compared only with groups
 * of the same method (EWC's Fisher sample count says nothing next to WiSE-FT's), in paper notation
 * and at most MAX_SETTINGS of them. The explanation in a method's label ("L2-SP (L2 / L1 to
 * pretrained)") is left to the method's documentation. When the groups span several tasks, each
 * label names its task instead of what tells the tasks apart in the config.
 */
function labelGroups<R extends ComparableRun>(groups: SeedGroup<R>[]): string[] {
  const tasks = groups.map((g) => taskGroupOf(g.runs[0]));
  const settings = groups.map((g, i) => settingsOf(g.runs[0], tasks[i].key));
  const values = new Map<string, Set<string>>();
  const where = (s: Setting) => `${s.scope}\u0000${s.path}`;
  for (const s of settings.flat()) values.set(where(s), (values.get(where(s)) ?? new Set()).add(s.value));
  const manyTasks = new Set(tasks.map((t) => t.key)).size > 1;
  return groups.map((g, i) => {
    const telling = settings[i].filter((s) => ALWAYS_NAMED.has(s.path.split('.').pop()!) || values.get(where(s))!.size > 1);
    // Method parameters first: they are what a reader of a comparison compares.
    telling.sort((a, b) => Number(b.path.startsWith('method.')) - Number(a.path.startsWith('method.')));
    const parts = telling.slice(0, MAX_SETTINGS).map(shown);
    if (telling.length > MAX_SETTINGS) parts.push('…');
    const method = g.runs[0].methodLabel.replace(/ \([^)]*\)/g, '');
    const label = parts.length ? `${method} (${parts.join(', ')})` : method;
    return manyTasks ? `${label} · ${tasks[i].label}` : label;
  });
}

/** Groups runs that differ only by seed and labels each group for tables, legends and exports. */
export function comparisonRows<R extends ComparableRun>(runs: readonly R[]): ComparisonRow<R>[] {
  const groups = groupBySeed(runs, (r) => ({ ...scalarMetrics(r.headline), ...generalityMetrics(r.headline as RunHeadline | null) }));
  const labels = labelGroups(groups);
  return groups.map((g, i) => ({
    key: g.key,
    label: labels[i],
    methodId: g.runs[0].methodId,
    runs: g.runs,
    seeds: [...g.seeds].sort((a, b) => a - b),
    metrics: g.metrics,
  }));
}
