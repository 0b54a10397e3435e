import type { RunSummary } from '../../../src-shared/api';
import type { SeedStat } from '../../../src-shared/aggregate';
import type { ComparisonRow } from '../../../src-shared/compare-rows';
import type { Metric } from '../../../src-shared/config';
import { scalarMetrics } from '../../../src-shared/aggregate';
import { generalityMetrics, GENERALITY_SET_IDS, type GeneralitySetId } from '../../../src-shared/generality';
import { generalityColumns, METRIC_COLUMNS, metricOfKey, type MetricColumn } from '../../../src-shared/metric-columns';
import { fieldValues } from '../../../src-shared/run-query';
import { metricDelta, metricValue, num, pct } from '../format';

// The chosen columns of the Runs table after its fixed ones (run, seed, status, progress): any
// headline metric (by its metric-columns.ts key) or any config path.

/** The columns shown until the researcher chooses others. */
export const DEFAULT_COLUMNS: readonly string[] = ['aPre', 'aTgt', 'retention', 'forgetting', 'targetGain', 'cdAbs', 'weightDistance', 'retentionGen'];

/** How a column is headed. */
export interface ColumnHead {
  key: string;
  label: string;
  title?: string;
  numeric: boolean;
}

const TITLES: Record<string, string> = {
  aPre: 'On the pretrain eval set: accuracy, or for a language model mean token loss in nats (lower is better)',
  aTgt: 'On the target eval set: accuracy, or for a target learned as a language model mean token loss in nats (lower is better)',
  retention: 'A_pre(θ_ft) / A_pre(θ₀); for a loss L_pre(θ₀) / L_pre(θ_ft)',
  forgetting: 'A_pre(θ₀) − A_pre(θ_ft); for a loss L_pre(θ_ft) − L_pre(θ₀) (nats): > 0 means worse on pretrain data',
  targetGain: 'A_tgt(θ_ft) − A_tgt(θ₀) in the target’s metric; for a loss L_tgt(θ₀) − L_tgt(θ_ft) (nats): > 0 means better on the target',
  cdAbs: 'Collateral damage: share of pretrain eval samples that went from correct to wrong',
  cdCond: 'Collateral damage among the pretrain eval samples θ₀ got right',
  weightDistance: 'Backbone weight distance from θ₀ (L2 norm)',
  weightDistanceRel: 'Backbone weight distance from θ₀ relative to ‖θ₀‖',
  retentionGen: 'A generality suite: the mean over its sets of each set’s retention (final relative to θ₀, as Retention)',
  aGen: 'A generality suite: the mean over its sets of the pretrain-head metric on each',
};

// Every generality column any suite can have (accuracy labels; a loss study's differ only in their unit).
const GENERALITY_COLUMNS: readonly MetricColumn[] = generalityColumns(GENERALITY_SET_IDS, false);

/** Whether a column belongs to a generality suite (its mean or one set's), shown only where a listed run has a suite. */
export function isGeneralityColumn(key: string): boolean {
  return GENERALITY_COLUMNS.some((c) => c.key === key);
}

/** The generality columns of these sets, as the column chooser offers them: the means, then each set's retention and metric. */
export function generalityColumnKeys(sets: readonly GeneralitySetId[]): string[] {
  return generalityColumns(sets, false).map((c) => c.key);
}

/** Whether a column key names a headline metric (otherwise it is a config path). */
export function isMetricColumn(key: string): boolean {
  return METRIC_COLUMNS.some((c) => c.key === key) || isGeneralityColumn(key);
}

/** The header of a column: a metric's label, or a config path's last two segments (the whole path as its title). */
export function columnHead(key: string): ColumnHead {
  const metric = METRIC_COLUMNS.find((c) => c.key === key) ?? GENERALITY_COLUMNS.find((c) => c.key === key);
  if (metric) return { key, label: metric.label, title: TITLES[key] ?? metricTitle(key), numeric: true };
  return { key, label: key.split('.').slice(-2).join('.'), title: key, numeric: false };
}

// A generality set's column: what it reads, from the set's label.
function metricTitle(key: string): string {
  const set = key.split(':')[1];
  return key.startsWith('genRet:')
    ? `Retention on the generality set ${set}`
    : `Pretrain-head metric on the generality set ${set} (accuracy, or a language model's mean token loss)`;
}

// A metric holding A_pre-like values (accuracy, or a loss in nats), not a share or a change.
const isLevel = (key: string) => key === 'aPre' || key === 'aTgt' || key === 'aGen' || key.startsWith('gen:');

// A metric value as the table shows it: accuracies (or losses) in their metric, changes in points
// (or nats), shares as percentages, distances as plain numbers.
function metricText(key: string, value: number | null | undefined, metric: Metric | null): string {
  if (isLevel(key)) return metricValue(value, metric);
  if (key === 'forgetting') return metricDelta(value, metric, false);
  if (key === 'targetGain') return metricDelta(value, metric);
  if (key === 'weightDistance' || key === 'weightDistanceRel') return num(value);
  return pct(value);
}

/** A run's cell: `live` when A_pre/A_tgt come from the live progress report before the first headline. */
export function runCell(run: RunSummary, key: string): { text: string; live: boolean } {
  if (!isMetricColumn(key)) return { text: fieldValues(run, key).join(', ') || '–', live: false };
  const h = run.headline ? { ...scalarMetrics(run.headline), ...generalityMetrics(run.headline) } : null;
  const metric = metricOfKey(key, run);
  if (h) return { text: metricText(key, h[key], metric), live: false };
  const progress = key === 'aPre' ? (run.progress?.aPre ?? run.pretrainAccuracy) : key === 'aTgt' ? run.progress?.aTgt : null;
  return { text: metricText(key, progress, metric), live: progress !== null && progress !== undefined && run.progress !== null };
}

/** A seed group's cell: mean ± std of a metric over its seeds, or a config value (all of them where seeds differ). */
export function groupCell(row: ComparisonRow<RunSummary>, key: string): string {
  if (!isMetricColumn(key)) return [...new Set(row.runs.flatMap((r) => fieldValues(r, key).map(String)))].join(', ') || '–';
  const metric = row.runs[0] ? metricOfKey(key, row.runs[0]) : null;
  const s: SeedStat | undefined = row.metrics[key];
  if (!s) return '–';
  // Spreads in the unit of the mean: percentage points, or nats; distances as plain numbers.
  const plain = key === 'weightDistance' || key === 'weightDistanceRel';
  const lossLike = metric !== 'accuracy' && (isLevel(key) || key === 'forgetting' || key === 'targetGain');
  const spread = (v: number) => (plain ? num(v, 2) : lossLike ? v.toFixed(3) : (v * 100).toFixed(1));
  return s.std === null ? metricText(key, s.mean, metric) : `${metricText(key, s.mean, metric)} ± ${spread(s.std)}`;
}
