import { groupBySeed, scalarMetrics, type SeedGroup, type SeedStat } from './aggregate';
import { configDifferences } from './config-diff';

/** What a comparison needs of a run (RunSummary and RunDetail both fit). */
export interface ComparableRun {
  id: string;
  methodId: string;
  methodLabel: string;
  seed: number;
  config: unknown;
  headline: object | null;
}

/** One experiment of a comparison: a seed group with a readable label and its metrics across seeds. */
export interface ComparisonRow<R extends ComparableRun = ComparableRun> {
  key: string;
  /** Method label plus the config values that tell this row from the others, e.g. "WiSE-FT · learningRate=0.01". */
  label: string;
  methodId: string;
  runs: R[];
  seeds: number[];
  metrics: Record<string, SeedStat>;
}

// Paths that the label never needs: the method is named by its label, seeds are what is aggregated.
const UNLABELLED = new Set(['method.id', 'method.with', 'seed', 'studyName']);

function shortPath(path: string): string {
  return path.replace(/^(method\.params|budget|baseModel\.data|baseModel\.pretrain|baseModel|target)\./, '');
}

/**
 * Labels each group by its method and the config values that tell it from another group having
 * the same setting with another value; a method's own parameter that no other group sets (WiSE-FT's
 * α grid next to vanilla runs) tells nothing and would only lengthen legends.
 */
function labelGroups<R extends ComparableRun>(groups: SeedGroup<R>[]): string[] {
  const differences = configDifferences(groups.map((g) => g.runs[0].config)).filter((d) => !UNLABELLED.has(d.path));
  return groups.map((g, i) => {
    const telling = differences.filter((d) => d.values[i] !== '(absent)' && d.values.some((v) => v !== '(absent)' && v !== d.values[i]));
    const parts = telling.map((d) => `${shortPath(d.path)}=${d.values[i]}`);
    return [g.runs[0].methodLabel, ...parts].join(' · ');
  });
}

/** Groups runs that differ only by seed and labels each group for tables, legends and exports. */
export function comparisonRows<R extends ComparableRun>(runs: readonly R[]): ComparisonRow<R>[] {
  const groups = groupBySeed(runs, (r) => scalarMetrics(r.headline));
  const labels = labelGroups(groups);
  return groups.map((g, i) => ({ key: g.key, label: labels[i], methodId: g.runs[0].methodId, runs: g.runs, seeds: g.seeds, metrics: g.metrics }));
}
