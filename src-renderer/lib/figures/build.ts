import type { RunDetail } from '../../../src-shared/api';
import type { FigureKind } from '../../../src-shared/figure-options';
import { cdClassesFigure } from './cd-classes';
import { curvesFigure } from './curves';
import { distanceFigure } from './distance';
import type { Figure, FigureContext } from './figure';
import { parallelFigure } from './parallel';
import { scatterFigure } from './scatter';
import { tradeoffFigure } from './tradeoff';
import { wiseftFigure } from './wiseft';

/** Each figure kind's builder and its title in the UI. */
export const FIGURES: Record<FigureKind, { title: string; build: (runs: RunDetail[], ctx: FigureContext) => Figure }> = {
  scatter: { title: 'Pretrain retention vs target gain', build: scatterFigure },
  curves: { title: 'Learning curves', build: curvesFigure },
  wiseft: { title: 'WiSE-FT α curves', build: wiseftFigure },
  tradeoff: { title: 'Trade-off of a swept parameter', build: tradeoffFigure },
  parallel: { title: 'Parallel coordinates: swept parameters, retention, gain', build: parallelFigure },
  'cd-classes': { title: 'Collateral damage per pretrain class', build: cdClassesFigure },
  distance: { title: 'Weight distance per layer', build: distanceFigure },
};

/** Builds one figure of the given runs. */
export function buildFigure(kind: FigureKind, runs: RunDetail[], ctx: FigureContext): Figure {
  return FIGURES[kind].build(runs, ctx);
}
