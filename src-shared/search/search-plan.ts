import { seedGroupKey } from '../aggregate';
import { samplePoints } from '../sweep';
import type { SearchConfig } from './search-config';

/** What the plan reads of a fine-tuning run config. */
export interface PlannedRun {
  seed: number;
  sweep?: { id: string; point: Record<string, unknown> };
}

/** The method entry a run competes in: its sweep id, or for a method entry that sweeps nothing its own identity. */
export function searchGroupOf(run: PlannedRun): string {
  return run.sweep?.id ?? `fixed ${seedGroupKey(run)}`;
}

/** The identity of a run's grid point: its config without the seed. */
export function pointKeyOf(run: PlannedRun): string {
  return seedGroupKey(run);
}

/**
 * The seeds a chosen point is run over at the end: the study's seeds, or the first `budget.seeds`
 * of them continued by the next unused integers.
 */
export function finalSeeds(search: SearchConfig, studySeeds: readonly number[]): number[] {
  const n = search.budget.seeds;
  if (n === undefined) return [...studySeeds];
  const out = studySeeds.slice(0, n);
  for (let next = Math.max(...studySeeds) + 1; out.length < n; next++) out.push(next);
  return out;
}

/**
 * Shares `budget` runs among groups of these sizes as evenly as they allow: a group smaller than its
 * share takes all of its points and leaves the rest to the others; earlier groups get the remainder.
 */
export function shareBudget(sizes: readonly number[], budget: number): number[] {
  const out = sizes.map(() => 0);
  let left = budget;
  let open = sizes.map((_, i) => i);
  while (left > 0 && open.length) {
    const share = Math.floor(left / open.length);
    const extra = left % open.length;
    let given = 0;
    open.forEach((g, j) => {
      const take = Math.min(sizes[g] - out[g], share + (j < extra ? 1 : 0));
      out[g] += take;
      given += take;
    });
    left -= given;
    open = open.filter((g) => out[g] < sizes[g]);
    if (given === 0) break;
  }
  return out;
}

/**
 * The candidate runs of a search: from the expanded study (grid × seeds, method by method), the
 * runs of the first seed, and of each method entry a seeded sample of its points, the budget shared
 * among the entries (shareBudget). The rest of the grid is never launched.
 */
export function searchCandidates<R extends PlannedRun>(runs: readonly R[], search: SearchConfig, firstSeed: number, sampleSeed: number): R[] {
  const groups = new Map<string, R[]>();
  for (const run of runs) {
    if (run.seed !== firstSeed) continue;
    const key = searchGroupOf(run);
    const list = groups.get(key);
    if (list) list.push(run);
    else groups.set(key, [run]);
  }
  const lists = [...groups.values()];
  const shares = shareBudget(
    lists.map((l) => l.length),
    search.budget.runs,
  );
  return lists.flatMap((list, g) => samplePoints(list, shares[g], sampleSeed + g));
}

/** The seed the candidates of a search sample are drawn with: the search's own, else the study's sweep seed, else 0. */
export function searchSampleSeed(study: { search?: SearchConfig; sweep?: { seed: number } }): number {
  return study.search?.seed ?? study.sweep?.seed ?? 0;
}

/**
 * What a search study launches: its candidate runs (searchCandidates, on the study's first seed) and
 * only the base models they start from; the chosen points' other seeds are launched later by the
 * search driver.
 */
export function searchLaunch<B extends { baseModel: unknown }, R extends PlannedRun & { baseModel: unknown }>(
  study: { search?: SearchConfig; sweep?: { seed: number }; budget: { seeds: readonly number[] } },
  expanded: { bases: B[]; runs: R[] },
): { bases: B[]; runs: R[] } {
  if (!study.search) return expanded;
  const runs = searchCandidates(expanded.runs, study.search, study.budget.seeds[0], searchSampleSeed(study));
  const used = new Set(runs.map((r) => JSON.stringify(r.baseModel)));
  return { bases: expanded.bases.filter((b) => used.has(JSON.stringify(b.baseModel))), runs };
}
