import type { RunDetail } from '../../../src-shared/api';
import { groupedBars } from './bars';
import { emptyFigure, finalPoint, type Figure, type FigureContext } from './figure';

/** Weight distance per layer at the final point: ‖θ−θ₀‖₂ of each backbone tensor (the norm, not its square). */
export function distanceFigure(runs: RunDetail[], ctx: FigureContext): Figure {
  const { data, xaxis } = groupedBars(runs, ctx, (run) => new Map((finalPoint(run)?.perLayer ?? []).map((l) => [l.name, l.distance])));
  if (!xaxis.ticktext.length) return emptyFigure('No selected run has per-layer weight distances');
  return {
    data,
    layout: {
      barmode: 'overlay',
      xaxis: { ...xaxis, title: { text: 'Layer (weight tensor)' }, tickangle: -30 },
      yaxis: { title: { text: 'Weight distance ‖θ−θ₀‖<sub>2</sub>' }, rangemode: 'tozero' },
    },
    empty: null,
  };
}
