import type { ParamValue } from '../../../src-shared/params';

/** What a figure needs of a run to know its sweep. */
interface SweptRun {
  id: string;
  studyId: string | null;
  config: unknown;
}

/** The sweep a run's config is tagged with: the sweep's id in its study and the point of the grid (run-config paths → values). */
interface SweepTag {
  id: string;
  point: Record<string, ParamValue>;
}

/** The runs of one sweep (same study, same sweep id) and its axes, in the order the points name them. */
export interface SweepGroup<R extends SweptRun> {
  key: string;
  axes: string[];
  runs: R[];
}

/** The run's sweep tag; null for a run of no sweep (or a stored config of a version without tags). Read defensively: configs come from the store. */
function sweepTag(run: { config: unknown }): SweepTag | null {
  const sweep = (run.config as { sweep?: { id?: unknown; point?: unknown } } | null)?.sweep;
  if (typeof sweep?.id !== 'string' || sweep.point === null || typeof sweep.point !== 'object' || Array.isArray(sweep.point)) return null;
  return { id: sweep.id, point: sweep.point as Record<string, ParamValue> };
}

/** The sweeps among the runs, in order of each one's first run; runs without a tag belong to none. */
export function sweepGroups<R extends SweptRun>(runs: readonly R[]): SweepGroup<R>[] {
  const groups = new Map<string, SweepGroup<R>>();
  for (const run of runs) {
    const tag = sweepTag(run);
    if (!tag) continue;
    const key = `${run.studyId ?? ''}\u0000${tag.id}`;
    const group = groups.get(key) ?? { key, axes: [], runs: [] };
    // Every point of a sweep names the same axes; the union keeps the sweep whole should a stored point lack one.
    for (const axis of Object.keys(tag.point)) if (!group.axes.includes(axis)) group.axes.push(axis);
    group.runs.push(run);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** A parameter path as the caller gave it, matched exactly or by its end (`rank` for `method.params.rank`), as the runs filter takes paths. */
export function matchPath(candidates: readonly string[], wanted: string): string | null {
  return candidates.find((c) => c === wanted) ?? candidates.find((c) => c.endsWith(`.${wanted}`)) ?? null;
}
