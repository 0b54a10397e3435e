// Display formatting in one place so every table shows a quantity the same way.
import type { Metric } from '../../src-shared/config';
import type { ParamValue } from '../../src-shared/params';

const DASH = '–';

/** An accuracy-like fraction as a percentage, e.g. 0.9731 → "97.3%". */
export function pct(value: number | null | undefined, digits = 1): string {
  return value == null || !Number.isFinite(value) ? DASH : `${(value * 100).toFixed(digits)}%`;
}

/** A difference of fractions in accuracy points, e.g. 0.124 → "+12.4 pts" (signed) or "12.4 pts". */
export function points(value: number | null | undefined, signed = true, digits = 1): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  const v = value * 100;
  return `${v < 0 ? '−' : v > 0 && signed ? '+' : ''}${Math.abs(v).toFixed(digits)} pts`;
}

/** A_pre or A_tgt as its metric reads: accuracy as a percentage, mean token loss in nats (3 decimals); no metric (an unreadable run): a dash. */
export function metricValue(value: number | null | undefined, metric: Metric | null, digits = 1): string {
  if (metric === null) return DASH;
  if (metric === 'accuracy') return pct(value, digits);
  return value == null || !Number.isFinite(value) ? DASH : value.toFixed(3);
}

/** A change of the metric: accuracy points, or nats of mean token loss (signed like the headline: > 0 means worse for forgetting, better for gain). */
export function metricDelta(value: number | null | undefined, metric: Metric | null, signed = true): string {
  if (metric === null) return DASH;
  if (metric === 'accuracy') return points(value, signed);
  if (value == null || !Number.isFinite(value)) return DASH;
  return `${value < 0 ? '−' : value > 0 && signed ? '+' : ''}${Math.abs(value).toFixed(3)} nats`;
}

/** Column names and explanations of A_pre and A_tgt in a metric. */
export function metricNames(metric: Metric): { pre: string; tgt: string; what: string } {
  return metric === 'accuracy'
    ? { pre: 'A_pre', tgt: 'A_tgt', what: 'accuracy' }
    : { pre: 'L_pre', tgt: 'L_tgt', what: 'mean token loss (nats; perplexity = e^loss; lower is better)' };
}

/** A plain number with a fixed number of significant digits. */
export function num(value: number | null | undefined, significant = 3): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  return Math.abs(value) >= 10 ** significant ? Math.round(value).toLocaleString('en-US') : String(Number(value.toPrecision(significant)));
}

/** A count with its noun, plural unless one: "1 seed", "3 runs". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A parameter's value as a sweep shows it: numbers to 4 significant digits, lists bracketed ("[0, 0.5, 1]"), others as written; none: a dash. */
export function paramValue(value: ParamValue | undefined): string {
  if (value === undefined) return DASH;
  if (typeof value === 'number') return String(Number(value.toPrecision(4)));
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

/** Seconds as "1h 02m", "3m 20s" or "42s". */
export function duration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return DASH;
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** An ISO timestamp as local "YYYY-MM-DD HH:MM". */
export function timestamp(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** The short form of a run id shown in tight columns. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** A study's time left in words: "under a minute left", "about 3 min left", "about 1 h 05 min left"; unknown: a dash. */
export function timeLeft(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return DASH;
  if (seconds < 60) return 'under a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  return `about ${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min left`;
}
