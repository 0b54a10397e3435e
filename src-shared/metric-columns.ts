import type { RunHeadline } from './api';
import type { Metric } from './config';
import { targetMetricOf } from './task-metrics';
import { findTask } from './tasks/lookup';
import { generalitySetOf, type GeneralitySetId } from './generality';

/** A headline metric as tables and figures show it. */
export interface MetricColumn {
  /** Key in RunHeadline. */
  key: string;
  label: string;
  /** The same label in LaTeX math/text. */
  latex: string;
  /** What the displayed number is: '%' of accuracy, accuracy points, or a plain number. */
  unit: '%' | 'pts' | '';
  /** Displayed value = stored value × scale. */
  scale: number;
  /** Which way is better, for bolding the best row; null where neither is (a distance is a description, not a goal). */
  better: 'higher' | 'lower' | null;
}

/** The headline metrics of methods.md §2 in table order. */
export const METRIC_COLUMNS: readonly MetricColumn[] = [
  { key: 'aPre', label: 'A_pre', latex: '$A_\\mathrm{pre}$', unit: '%', scale: 100, better: 'higher' },
  { key: 'aTgt', label: 'A_tgt', latex: '$A_\\mathrm{tgt}$', unit: '%', scale: 100, better: 'higher' },
  { key: 'retention', label: 'Retention', latex: '$R_\\mathrm{pre}$', unit: '%', scale: 100, better: 'higher' },
  { key: 'forgetting', label: 'Forgetting', latex: '$F_\\mathrm{pre}$', unit: 'pts', scale: 100, better: 'lower' },
  { key: 'targetGain', label: 'Target gain', latex: '$G_\\mathrm{tgt}$', unit: 'pts', scale: 100, better: 'higher' },
  { key: 'cdAbs', label: 'CD', latex: 'CD', unit: '%', scale: 100, better: 'lower' },
  { key: 'cdCond', label: 'CD cond.', latex: 'CD$_\\mathrm{cond}$', unit: '%', scale: 100, better: 'lower' },
  { key: 'weightDistance', label: '‖θ−θ₀‖₂', latex: '$\\lVert\\theta-\\theta_0\\rVert_2$', unit: '', scale: 1, better: null },
  {
    key: 'weightDistanceRel',
    label: '‖θ−θ₀‖₂/‖θ₀‖₂',
    latex: '$\\lVert\\theta-\\theta_0\\rVert_2/\\lVert\\theta_0\\rVert_2$',
    unit: '',
    scale: 1,
    better: null,
  },
];

/**
 * The same metrics for language-model studies, where A_pre and A_tgt hold mean token loss in nats
 * (lower is better) and forgetting and gain are differences of losses signed as for accuracy
 * (forgetting = L_ft − L₀ > 0 is bad, gain = L_tgt(θ₀) − L_tgt(θ_ft) > 0 is good).
 */
export const LOSS_METRIC_COLUMNS: readonly MetricColumn[] = [
  { key: 'aPre', label: 'L_pre (nats)', latex: '$L_\\mathrm{pre}$ (nats)', unit: '', scale: 1, better: 'lower' },
  { key: 'aTgt', label: 'L_tgt (nats)', latex: '$L_\\mathrm{tgt}$ (nats)', unit: '', scale: 1, better: 'lower' },
  ...METRIC_COLUMNS.filter((c) => c.key === 'retention'),
  { key: 'forgetting', label: 'Forgetting (nats)', latex: '$F_\\mathrm{pre}$ (nats)', unit: '', scale: 1, better: 'lower' },
  { key: 'targetGain', label: 'Target gain (nats)', latex: '$G_\\mathrm{tgt}$ (nats)', unit: '', scale: 1, better: 'higher' },
  ...METRIC_COLUMNS.filter((c) => !['aPre', 'aTgt', 'retention', 'forgetting', 'targetGain'].includes(c.key)),
];

/**
 * A generality suite's columns: the mean retention and mean metric over its sets, then each set's retention and
 * metric (keys `genRet:<set>`, `gen:<set>`, read by generalityMetrics from a headline).
 */
export function generalityColumns(sets: readonly GeneralitySetId[], loss: boolean): MetricColumn[] {
  const value = (key: string, label: string, latex: string): MetricColumn =>
    loss
      ? { key, label: `${label} (nats)`, latex: `${latex} (nats)`, unit: '', scale: 1, better: 'lower' }
      : { key, label, latex, unit: '%', scale: 100, better: 'higher' };
  const kept = (key: string, label: string, latex: string): MetricColumn => ({ key, label, latex, unit: '%', scale: 100, better: 'higher' });
  const name = loss ? 'L' : 'A';
  return [
    kept('retentionGen', 'Retention (gen. mean)', '$R_\\mathrm{gen}$'),
    value('aGen', `${name}_gen (mean)`, `$${name}_\\mathrm{gen}$`),
    ...sets.flatMap((set) => {
      const label = generalitySetOf(set).label;
      return [kept(`genRet:${set}`, `Retention · ${label}`, `$R$ ${label}`), value(`gen:${set}`, `${name} · ${label}`, `$${name}$ ${label}`)];
    }),
  ];
}

/** The sets of the generality suites of these runs, in order of first appearance; [] when none has one. */
export function generalitySetsOf(runs: readonly { headline?: object | null }[]): GeneralitySetId[] {
  const sets = new Set<GeneralitySetId>();
  for (const run of runs) for (const g of (run.headline as RunHeadline | null | undefined)?.generality ?? []) sets.add(g.set);
  return [...sets];
}

/**
 * The headline columns of a run's two metrics: the pretrain side's A_pre and forgetting, the target's A_tgt
 * and gain (a language model fine-tuned into a classifier: losses in nats, the target in accuracy).
 */
export function headlineColumns(pretrain: Metric, target: Metric): readonly MetricColumn[] {
  const of = (metric: Metric) => (metric === 'loss' ? LOSS_METRIC_COLUMNS : METRIC_COLUMNS);
  if (pretrain === target) return of(pretrain);
  return METRIC_COLUMNS.map((c) => of(TARGET_KEYS.has(c.key) ? target : pretrain).find((l) => l.key === c.key)!);
}

/** A stored run record's two metrics: its own (the pretrain side's) and its task's target metric; null where unreadable. */
function configMetrics(config: unknown): { pretrain: Metric | null; target: Metric | null } {
  const c = config as { metric?: Metric; target?: { task?: string } } | null;
  const task = findTask(c?.target?.task);
  return { pretrain: c?.metric ?? null, target: task ? targetMetricOf(task.id) : (c?.metric ?? null) };
}

/**
 * The columns for these runs: each side in its metric when every run measures it so (config metric 'loss': a
 * language-model run; its task's target side likewise), else accuracy columns; then their generality suite's, if any.
 */
export function metricColumnsFor(rows: readonly { runs: readonly { config: unknown; headline?: object | null }[] }[]): readonly MetricColumn[] {
  const runs = rows.flatMap((r) => r.runs.map((run) => configMetrics(run.config)));
  const all = (side: 'pretrain' | 'target') => runs.length > 0 && runs.every((run) => run[side] === 'loss');
  const [pretrain, target]: Metric[] = [all('pretrain') ? 'loss' : 'accuracy', all('target') ? 'loss' : 'accuracy'];
  const columns = headlineColumns(pretrain, target);
  const sets = generalitySetsOf(rows.flatMap((r) => r.runs));
  return sets.length ? [...columns, ...generalityColumns(sets, pretrain === 'loss')] : columns;
}

/** Decimals that show a value of this metric sensibly: one for percentages and points, three significant digits otherwise. */
export function metricDecimals(column: MetricColumn, displayed: number): number {
  if (column.unit) return 1;
  if (displayed === 0 || !Number.isFinite(displayed)) return 2;
  return Math.max(0, Math.min(6, 2 - Math.floor(Math.log10(Math.abs(displayed)))));
}

/** Headline keys measured on the target (in the target's metric); every other level, change or share is the pretrain side's. */
const TARGET_KEYS = new Set(['aTgt', 'aTgtBase', 'targetGain']);

/** The metric a headline key of a run is in: the target's for A_tgt and the gain, the pretrain side's for the rest. */
export function metricOfKey(key: string, run: { metric: Metric | null; targetMetric?: Metric | null }): Metric | null {
  return TARGET_KEYS.has(key) ? (run.targetMetric ?? run.metric) : run.metric;
}
