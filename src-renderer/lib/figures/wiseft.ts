import type { Data } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';
import { emptyFigure, type Figure, type FigureContext } from './figure';

/** WiSE-FT α curves: (A_tgt, A_pre) of the interpolated weights for each α, one curve per fine-tuned run, the ends labelled. */
export function wiseftFigure(runs: RunDetail[], ctx: FigureContext): Figure {
  const data: Data[] = [];
  for (const run of runs) {
    const sweep = run.evaluations.filter((e) => e.phase === 'sweep' && e.alpha !== null && e.aTgt !== null).sort((a, b) => a.alpha! - b.alpha!);
    if (sweep.length < 2) continue;
    const color = ctx.colorOf(run.methodId);
    const last = sweep.length - 1;
    data.push({
      type: 'scatter',
      mode: 'text+lines+markers',
      name: `${run.methodLabel}, seed ${run.seed}`,
      legendgroup: run.methodId,
      x: sweep.map((e) => e.aTgt! * 100),
      y: sweep.map((e) => e.aPre * 100),
      // Only the ends carry their α: every label would crowd a column-wide figure.
      text: sweep.map((e, i) => (i === 0 || i === last ? `α=${e.alpha}` : '')),
      textposition: 'top center',
      // Labels at the plot's edge would be cut off by the axes otherwise.
      cliponaxis: false,
      textfont: { color },
      hovertemplate: `${run.methodLabel}, seed ${run.seed}<br>α=%{customdata}<br>A_tgt %{x:.1f}%<br>A_pre %{y:.1f}%<extra></extra>`,
      customdata: sweep.map((e) => e.alpha),
      line: { color, width: 1.5 },
      marker: { size: 5, color },
    });
  }
  if (!data.length) return emptyFigure('No selected run has a WiSE-FT α sweep');
  return {
    data,
    layout: {
      xaxis: { title: { text: 'Target accuracy A<sub>tgt</sub> (%)' }, zeroline: false },
      yaxis: { title: { text: 'Pretrain accuracy A<sub>pre</sub> (%)' }, zeroline: false },
    },
    empty: null,
  };
}
