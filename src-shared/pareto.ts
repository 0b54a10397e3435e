/** A point of a trade-off where more is better on both axes (e.g. target gain, pretrain retention). */
export interface TradeoffPoint {
  x: number;
  y: number;
}

/**
 * The Pareto frontier (methods.md §2, trade-off curves): the points no other point beats on both
 * axes at once, sorted by x ascending (so y descends along it). Ties on both axes keep one point.
 */
export function paretoFrontier<P extends TradeoffPoint>(points: readonly P[]): P[] {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  // Sweep from the largest x down: a point is on the frontier when its y beats every y seen so far.
  const byXDesc = [...finite].sort((a, b) => b.x - a.x || b.y - a.y);
  const front: P[] = [];
  let bestY = -Infinity;
  for (const p of byXDesc) {
    if (p.y > bestY) {
      front.push(p);
      bestY = p.y;
    }
  }
  return front.reverse();
}
