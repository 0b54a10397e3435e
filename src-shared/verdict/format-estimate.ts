// How a verdict's numbers read, in the terminal, the app and exported tables alike.
import type { Metric } from '../config';
import type { Estimate } from '../seed-bootstrap';
import type { StudyVerdict, Trend } from './study-verdict';

/** A metric value: accuracy in percentage points, a loss in nats; `signed` shows + on a difference. */
export function metricText(v: number, metric: Metric, signed = false): string {
  const rounded = metric === 'accuracy' ? (v * 100).toFixed(1) : v.toFixed(3);
  // What rounds to zero reads as 0, never −0.0 or +0.0.
  const text = Number(rounded) === 0 ? rounded.replace('-', '') : rounded;
  return signed && Number(text) > 0 ? `+${text}` : text;
}

/** An estimate with its interval: "91.2 [90.4, 92.0]"; the interval is left out for a single seed. */
export function estimateText(e: Estimate, metric: Metric, signed = false): string {
  const [lo, hi] = e.interval ?? [null, null];
  return lo === null || hi === null
    ? metricText(e.value, metric, signed)
    : `${metricText(e.value, metric, signed)} [${metricText(lo, metric, signed)}, ${metricText(hi, metric, signed)}]`;
}

/** A share (the headroom share) in percent with its interval: "42% [10%, 71%]". */
export function shareText(e: Estimate | null): string {
  if (!e) return 'undefined';
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  return e.interval ? `${pct(e.value)} [${pct(e.interval[0])}, ${pct(e.interval[1])}]` : pct(e.value);
}

/** A trend along a swept axis as one line: "LoRA along rank 1 → 4 → 16: A_pre 90.1 → 70.2 → 50.3 (Spearman ρ −1.00), A_tgt … (ρ 1.00)"; each side in its metric. */
export function trendText(t: Trend, metrics: Pick<StudyVerdict, 'metric' | 'targetMetric'>): string {
  const along = (xs: number[], metric: Metric) => xs.map((x) => metricText(x, metric)).join(' → ');
  return `${t.entry} along ${t.axis.split('.').at(-1)} ${t.values.join(' → ')}: A_pre ${along(t.aPre, metrics.metric)} (Spearman ρ ${t.rhoPre.toFixed(2)}), A_tgt ${along(t.aTgt, metrics.targetMetric)} (ρ ${t.rhoTgt.toFixed(2)})`;
}

/** The units of a verdict's numbers: one for both sides, or each side's (a language model fine-tuned into a classifier). */
export function verdictUnit(v: Pick<StudyVerdict, 'metric' | 'targetMetric'>): string {
  const unit = (m: Metric) => (m === 'accuracy' ? 'accuracy in %' : 'mean token loss in nats');
  return v.metric === v.targetMetric ? unit(v.metric) : `A_pre: ${unit(v.metric)}, A_tgt: ${unit(v.targetMetric)}`;
}
