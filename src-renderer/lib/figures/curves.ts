import type { Data } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';
import { comparisonRows } from '../../../src-shared/compare-rows';
import { emptyFigure, metricAxis, styleMarker, type Figure, type FigureContext } from './figure';

/** Learning curves overlaid: A_pre (solid) and A_tgt (dashed) against the training step in each method's colour and marker, every seed drawn. */
export function curvesFigure(runs: RunDetail[], ctx: FigureContext): Figure {
  const data: Data[] = [];
  const axis = metricAxis(runs);
  for (const row of comparisonRows(runs)) {
    row.runs.forEach((run, i) => {
      // The base point is step 0; sweep points are interpolations after training, not training time.
      const points = run.evaluations.filter((e) => e.phase === 'base' || e.phase === 'train' || e.phase === 'final').sort((a, b) => a.step - b.step);
      const byStep = [...new Map(points.map((e) => [e.step, e])).values()];
      if (byStep.length < 2) return;
      const style = ctx.styleOf(run);
      const color = style.color;
      const common = {
        type: 'scatter' as const,
        mode: 'lines+markers' as const,
        legendgroup: row.key,
        x: byStep.map((e) => e.step),
        marker: styleMarker(style, 6),
      };
      data.push({
        ...common,
        name: `${row.label}: A<sub>pre</sub>`,
        showlegend: i === 0,
        y: byStep.map((e) => e.aPre * axis.scale),
        line: { color, width: 1.5 },
      });
      const withTarget = byStep.filter((e) => e.aTgt !== null);
      data.push({
        ...common,
        name: `${row.label}: A<sub>tgt</sub> (dashed)`,
        showlegend: i === 0,
        x: withTarget.map((e) => e.step),
        y: withTarget.map((e) => (e.aTgt as number) * axis.scale),
        line: { color, width: 1.5, dash: 'dash' },
      });
    });
  }
  if (!data.length) return emptyFigure('No run with evaluations during training selected');
  return {
    data,
    layout: {
      xaxis: { title: { text: 'Training step (batches)' }, zeroline: false },
      yaxis: axis.loss ? { title: { text: 'Mean token loss (nats)' }, rangemode: 'tozero' } : { title: { text: 'Accuracy (%)' }, range: [0, 100] },
    },
    empty: null,
  };
}
