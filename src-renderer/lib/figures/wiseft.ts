import type { Data } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';
import { emptyFigure, metricAxis, styleMarker, type Figure, type FigureContext } from './figure';

/** WiSE-FT α curves: (A_tgt, A_pre) of the interpolated weights for each α, one curve per fine-tuned run, the ends labelled. */
export function wiseftFigure(runs: RunDetail[], ctx: FigureContext): Figure {
  const data: Data[] = [];
  const axis = metricAxis(runs);
  for (const run of runs) {
    const sweep = run.evaluations.filter((e) => e.phase === 'sweep' && e.alpha !== null && e.aTgt !== null).sort((a, b) => a.alpha! - b.alpha!);
    if (sweep.length < 2) continue;
    const style = ctx.styleOf(run);
    const color = style.color;
    const last = sweep.length - 1;
    data.push({
      type: 'scatter',
      mode: 'text+lines+markers',
      name: `${run.methodLabel}, seed ${run.seed}`,
      legendgroup: run.methodId,
      x: sweep.map((e) => e.aTgt! * axis.scale),
      y: sweep.map((e) => e.aPre * axis.scale),
      // Only the ends carry their α: every label would crowd a column-wide figure.
      text: sweep.map((e, i) => (i === 0 || i === last ? `α=${e.alpha}` : '')),
      textposition: 'top center',
      // Labels at the plot's edge would be cut off by the axes otherwise.
      cliponaxis: false,
      textfont: { color },
      hovertemplate: `${run.methodLabel}, seed ${run.seed}<br>α=%{customdata}<br>A_tgt ${axis.hover.replace('VAL', 'x')}<br>A_pre ${axis.hover.replace('VAL', 'y')}<extra></extra>`,
      customdata: sweep.map((e) => e.alpha),
      line: { color, width: 1.5 },
      marker: styleMarker(style, 6),
    });
  }
  if (!data.length) return emptyFigure('No selected run has a WiSE-FT α sweep');
  return {
    data,
    layout: {
      xaxis: { title: { text: axis.tgt }, zeroline: false },
      yaxis: { title: { text: axis.pre }, zeroline: false },
    },
    empty: null,
  };
}
