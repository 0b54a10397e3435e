import type { Data, LayoutAxis } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';
import { comparisonRows } from '../../../src-shared/compare-rows';
import type { EvalPoint } from '../../../src-shared/evaluation';
import { openMarker } from '../../../src-shared/method-style';
import { emptyFigure, metricAxis, REFERENCE_GREY, type SideAxis, styleLine, styleMarker, translucent, type Figure, type FigureContext } from './figure';
import { meanCurve, type CurvePoints, type MeanCurve } from './mean-curve';
import { seriesStyles } from './series-style';

// A_pre and A_tgt share the method's colour, marker and line style: the marker's fill tells them apart.
const METRICS = [
  { name: 'A<sub>pre</sub>', hover: 'A_pre', value: (e: EvalPoint): number | null => e.aPre, open: false, side: 'pre' },
  { name: 'A<sub>tgt</sub>', hover: 'A_tgt', value: (e: EvalPoint): number | null => e.aTgt, open: true, side: 'tgt' },
] as const;

// The base point is step 0; sweep points are interpolations after training, not training time; a final point replaces the training point of its step.
function trainingPoints(run: RunDetail): EvalPoint[] {
  const points = run.evaluations.filter((e) => e.phase === 'base' || e.phase === 'train' || e.phase === 'final').sort((a, b) => a.step - b.step);
  return [...new Map(points.map((e) => [e.step, e])).values()];
}

// ±1 std around the mean as one closed shape: along the upper edge and back along the lower one.
function band(curve: MeanCurve, std: number[], color: string, name: string, group: string): Data {
  return {
    type: 'scatter',
    mode: 'lines',
    name,
    legendgroup: group,
    showlegend: false,
    x: [...curve.x, ...[...curve.x].reverse()],
    y: [...curve.mean.map((m, i) => m + std[i]), ...curve.mean.map((m, i) => m - std[i]).reverse()],
    fill: 'toself',
    fillcolor: translucent(color, 0.2),
    line: { color, width: 0 },
    hoverinfo: 'skip',
  };
}

// Legend entries without data that say which marks are which metric.
function keyEntry(name: string, symbol: 'circle' | 'circle-open'): Data {
  return {
    type: 'scatter',
    mode: 'markers',
    name,
    x: [null],
    y: [null],
    marker: styleMarker({ color: REFERENCE_GREY, marker: symbol, dash: 'solid' }, 6),
    hoverinfo: 'skip',
  };
}

// A value axis: losses from zero up, accuracies over 0–100%.
function valueAxis(side: SideAxis, title: string): Partial<LayoutAxis> {
  return side.loss ? { title: { text: title }, rangemode: 'tozero' } : { title: { text: title }, range: [0, 100] };
}

/**
 * Learning curves overlaid: for each experiment (seed group) the mean over its seeds of A_pre (filled
 * marks) and A_tgt (open marks) against the training step, with a ±1 std band, in the method's colour,
 * marker and line style (variants of one method in a ramp of its hue); each seed's own lines drawn
 * faintly under the mean when `ctx.seeds` is 'all'.
 */
export function curvesFigure(runs: RunDetail[], ctx: FigureContext): Figure {
  const data: Data[] = [];
  const axis = metricAxis(runs);
  // A_tgt in another unit than A_pre (a language model fine-tuned into a classifier) gets an axis of its own, on the right.
  const twoAxes = axis.pre.loss !== axis.tgt.loss;
  const rows = comparisonRows(runs);
  const styles = seriesStyles(rows, ctx.styleOf);
  for (const row of rows) {
    const style = styles.get(row.key)!;
    const seeds = row.runs.map(trainingPoints);
    for (const metric of METRICS) {
      const side = axis[metric.side];
      const yaxis = twoAxes && metric.side === 'tgt' ? 'y2' : 'y';
      const perSeed: CurvePoints[] = seeds.map((points) =>
        points.flatMap((e) => {
          const v = metric.value(e);
          return v === null ? [] : [[e.step, v * side.scale] as const];
        }),
      );
      const curve = meanCurve(perSeed);
      if (!curve) continue;
      const name = metric.open ? `${row.label}: ${metric.name}` : row.label;
      if (curve.std) data.push({ ...band(curve, curve.std, style.color, `${row.label}: ${metric.name} ±1 std`, row.key), yaxis });
      if (ctx.seeds === 'all') {
        for (const [i, points] of perSeed.entries()) {
          if (points.length < 2) continue;
          data.push({
            type: 'scatter',
            mode: 'lines',
            name: `${row.label}: ${metric.name}, seed ${row.runs[i].seed}`,
            legendgroup: row.key,
            showlegend: false,
            x: points.map(([step]) => step),
            y: points.map(([, v]) => v),
            line: { ...styleLine(style, 0.75), color: translucent(style.color, 0.45) },
            hoverinfo: 'skip',
            yaxis,
          });
        }
      }
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name,
        legendgroup: row.key,
        showlegend: !metric.open,
        x: curve.x,
        y: curve.mean,
        line: styleLine(style, 1.5),
        marker: styleMarker({ ...style, marker: metric.open ? openMarker(style.marker) : style.marker }, 6),
        hovertemplate: `${row.label}, ${row.runs.length} seed(s)<br>step %{x}<br>${metric.hover} ${side.hover.replace('VAL', 'y')}<extra></extra>`,
        yaxis,
      });
    }
  }
  if (!data.length) return emptyFigure('No run with evaluations during training selected');
  data.push(keyEntry('A<sub>pre</sub>: filled marks', 'circle'), keyEntry('A<sub>tgt</sub>: open marks', 'circle-open'));
  return {
    data,
    layout: {
      xaxis: { title: { text: 'Training step (batches)' }, zeroline: false },
      yaxis: twoAxes ? valueAxis(axis.pre, axis.pre.title) : valueAxis(axis.pre, axis.pre.loss ? 'Mean token loss (nats)' : 'Accuracy (%)'),
      // Its own round ticks (an overlaying axis defaults to ticks at the left axis's gridlines) and no grid of its own.
      ...(twoAxes ? { yaxis2: { ...valueAxis(axis.tgt, axis.tgt.title), overlaying: 'y', side: 'right', showgrid: false, tickmode: 'auto' } } : {}),
    },
    empty: null,
  };
}
