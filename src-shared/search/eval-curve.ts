import type { Metric, RunMetrics } from '../config';
import type { EvalPoint } from '../evaluation';
import { headlineDeltas } from '../metrics';
import type { CurvePoint, Metrics } from './successive-halving';

/**
 * The headline metrics of one stored evaluation point against θ₀'s point. With a new target head the
 * stored θ₀ point has the fresh head's A_tgt (the final headline uses a linear probe instead): the
 * target gain at a rung is then measured from chance, which ranks a method's runs the same way.
 */
export function pointMetrics(base: EvalPoint, p: EvalPoint, metric: Metric | RunMetrics): Metrics {
  const aTgt = p.aTgt ?? Number.NaN;
  const deltas = headlineDeltas(metric, { aPre: base.aPre, aTgt: base.aTgt ?? Number.NaN }, { aPre: p.aPre, aTgt });
  return {
    aPre: p.aPre,
    aTgt: p.aTgt,
    ...deltas,
    cdAbs: p.cdAbs,
    cdCond: p.cdCond,
    weightDistance: p.weightDistance,
    weightDistanceRel: p.weightDistanceRel,
  };
}

/**
 * A run's metrics at the end of each epoch, from its stored points. The train points of epoch e carry
 * the label e; the last of them closes the epoch once all `evalsPerEpoch` of them are stored, or a
 * later epoch's point or the final point is (tiny data can merge evaluation steps of an epoch).
 */
export function epochCurve(points: readonly EvalPoint[], evalsPerEpoch: number, metric: Metric | RunMetrics): CurvePoint[] {
  const base = points.find((p) => p.phase === 'base');
  if (!base) return [];
  const train = points.filter((p) => p.phase === 'train');
  const ended = points.some((p) => p.phase === 'final');
  const curve: CurvePoint[] = [];
  const epochs = [...new Set(train.map((p) => p.epoch))].sort((a, b) => a - b);
  for (const epoch of epochs) {
    const of = train.filter((p) => p.epoch === epoch);
    const closed = ended || of.length >= evalsPerEpoch || train.some((p) => p.epoch > epoch);
    if (closed) curve.push({ epoch, metrics: pointMetrics(base, of[of.length - 1], metric) });
  }
  return curve;
}

/** Epochs a run trained by its stored train points: whole epochs closed plus the share of the current one. */
export function epochsTrained(points: readonly EvalPoint[], evalsPerEpoch: number): number {
  const train = points.filter((p) => p.phase === 'train');
  if (!train.length) return 0;
  const last = train[train.length - 1].epoch;
  const inLast = train.filter((p) => p.epoch === last).length;
  return last - 1 + Math.min(1, inLast / evalsPerEpoch);
}
