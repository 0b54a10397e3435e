import { seedStat } from '../../../src-shared/aggregate';

/** A curve averaged over seeds: the mean at each step and, from two seeds on, the sample std. */
export interface MeanCurve {
  x: number[];
  mean: number[];
  std: number[] | null;
}

/** A curve's points as (x, y), in any order. */
export type CurvePoints = readonly (readonly [number, number])[];

// Linear interpolation on points sorted by x, at an x inside their range.
function valueAt(points: CurvePoints, x: number): number {
  const i = points.findIndex(([px]) => px >= x);
  const [x1, y1] = points[i];
  if (x1 === x || i === 0) return y1;
  const [x0, y0] = points[i - 1];
  return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

/**
 * The mean over seeds of curves whose steps may differ between seeds (another number of batches, an
 * evaluation missing a value): each curve is interpolated linearly at every step any of them has
 * within the range all of them cover, so no mean mixes one seed's value with another's absence.
 * Curves of fewer than two points are left out; null when fewer than two steps remain.
 */
export function meanCurve(curves: readonly CurvePoints[]): MeanCurve | null {
  const usable = curves.filter((c) => c.length >= 2).map((c) => [...c].sort((a, b) => a[0] - b[0]));
  if (!usable.length) return null;
  const from = Math.max(...usable.map((c) => c[0][0]));
  const to = Math.min(...usable.map((c) => c[c.length - 1][0]));
  const x = [...new Set(usable.flatMap((c) => c.map(([step]) => step)))].filter((s) => s >= from && s <= to).sort((a, b) => a - b);
  if (x.length < 2) return null;
  const stats = x.map((s) => seedStat(usable.map((c) => valueAt(c, s)))!);
  return { x, mean: stats.map((s) => s.mean), std: usable.length > 1 ? stats.map((s) => s.std!) : null };
}
