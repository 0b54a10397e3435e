// Seed aggregation (methods.md §2, "across seeds"): runs whose configs differ only by the seed are
// repetitions of one experiment; every scalar metric gets a mean, a sample std and a 95% t-interval.

/** Summary statistics of one metric over the seeds of a group. */
export interface SeedStat {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); null for a single value. */
  std: number | null;
  /** 95% Student-t interval of the mean; null for a single value. */
  ci95: [number, number] | null;
}

// Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom (standard tables).
const T975 = [
  12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.13145,
  2.119905, 2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.04523, 2.042272,
];

/** The 0.975 quantile of Student's t with `df` degrees of freedom (the 95% two-sided critical value). */
export function tCritical95(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`tCritical95: degrees of freedom must be a positive integer, got ${df}`);
  if (df <= T975.length) return T975[df - 1];
  // Cornish–Fisher expansion around the normal quantile: within 1e-4 of the exact value from df 31 on.
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/** Mean, sample std and 95% t-interval of the finite values (non-finite ones are left out); null when none is left. */
export function seedStat(values: readonly (number | null | undefined)[]): SeedStat | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return null;
  const mean = xs.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { n, mean, std: null, ci95: null };
  const std = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = (tCritical95(n - 1) * std) / Math.sqrt(n);
  return { n, mean, std, ci95: [mean - half, mean + half] };
}

// Keys sorted so that two configs written in another key order still compare equal.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The identity of a run's experiment: its config without the seed. The study name is left out too,
 * since it labels a study and changes nothing that is computed, so a study repeated under a new
 * name with new seeds joins the same group.
 */
export function seedGroupKey(config: unknown): string {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return canonical(config);
  const { seed: _seed, studyName: _name, ...rest } = config as Record<string, unknown>;
  return canonical(rest);
}

/** The scalar numbers of an object (booleans, strings and nested values are not metrics). */
export function scalarMetrics(record: object | null | undefined): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(record ?? {})) if (typeof value === 'number' || value === null) out[key] = value;
  return out;
}

/** Runs of one experiment that differ only by seed, with every scalar metric summarised across them. */
export interface SeedGroup<R> {
  key: string;
  runs: R[];
  seeds: number[];
  metrics: Record<string, SeedStat>;
}

/** Summarises every metric key that any run reports, each over the runs that have a finite value for it. */
export function aggregateMetrics(records: readonly Record<string, number | null>[]): Record<string, SeedStat> {
  const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const out: Record<string, SeedStat> = {};
  for (const key of keys) {
    const stat = seedStat(records.map((r) => r[key]));
    if (stat) out[key] = stat;
  }
  return out;
}

/**
 * Groups runs by `seedGroupKey` of their config, in order of each group's first run, and summarises
 * the metrics `metricsOf` reads from each run (by default the scalar fields of its headline).
 */
export function groupBySeed<R extends { id: string; config: unknown; seed: number; headline?: object | null }>(
  runs: readonly R[],
  metricsOf: (run: R) => Record<string, number | null> = (run) => scalarMetrics(run.headline),
): SeedGroup<R>[] {
  const byKey = new Map<string, R[]>();
  for (const run of runs) {
    // A run whose stored config is unreadable (null) is alike to no other: it is a group of its own.
    const key = run.config === null ? `unreadable ${run.id}` : seedGroupKey(run.config);
    const list = byKey.get(key);
    if (list) list.push(run);
    else byKey.set(key, [run]);
  }
  return [...byKey].map(([key, members]) => ({
    key,
    runs: members,
    seeds: members.map((r) => r.seed),
    metrics: aggregateMetrics(members.map(metricsOf)),
  }));
}
