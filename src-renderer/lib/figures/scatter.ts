import type { Data } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';
import { comparisonRows } from '../../../src-shared/compare-rows';
import { paretoFrontier } from '../../../src-shared/pareto';
import { emptyFigure, metricAxis, REFERENCE_GREY, styleMarker, type Figure, type FigureContext } from './figure';
import { seriesStyles } from './series-style';

/** Whether a run has the numbers to be placed on the retention–gain plane. */
export function isPlottable(run: RunDetail): boolean {
  return run.headline !== null && run.headline.retention !== null;
}

/**
 * Pretrain retention vs target gain: one marker per experiment at the mean over its seeds, error
 * bars ±1 sample std across seeds, the base model at (0, 100 %), and the Pareto frontier of the means.
 */
export function scatterFigure(runs: RunDetail[], ctx: FigureContext): Figure {
  const rows = comparisonRows(runs.filter(isPlottable)).filter((r) => r.metrics.targetGain && r.metrics.retention);
  if (!rows.length) return emptyFigure('No finished fine-tuning run with headline numbers selected');
  const data: Data[] = [
    {
      type: 'scatter',
      mode: 'markers',
      name: 'base model θ₀',
      x: [0],
      y: [100],
      marker: { symbol: 'asterisk-open', size: 12, color: '#333333', line: { color: '#333333', width: 1.5 } },
      hovertemplate: 'base model θ₀<extra></extra>',
    },
  ];
  // Gain in accuracy points, or in nats of target loss for language models (retention is a ratio either way).
  const gainScale = metricAxis(runs).tgt.scale;
  const means = rows.map((r) => ({ x: r.metrics.targetGain.mean * gainScale, y: r.metrics.retention.mean * 100, row: r }));
  const styles = seriesStyles(rows, ctx.styleOf);
  for (const p of means) {
    const { targetGain: g, retention: ret } = p.row.metrics;
    const style = styles.get(p.row.key)!;
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: p.row.label,
      legendgroup: p.row.methodId,
      x: [p.x],
      y: [p.y],
      error_x: { type: 'data', array: [(g.std ?? 0) * gainScale], visible: g.std !== null, color: style.color, thickness: 1, width: 3 },
      error_y: { type: 'data', array: [(ret.std ?? 0) * 100], visible: ret.std !== null, color: style.color, thickness: 1, width: 3 },
      text: [`${p.row.label}<br>${p.row.runs.length} seed(s): ${p.row.seeds.join(', ')}`],
      hovertemplate: `%{text}<br>target gain ${gainScale === 100 ? '%{x:.1f} pts' : '%{x:.3f} nats'}<br>retention %{y:.1f}%<extra></extra>`,
      marker: styleMarker(style, 10),
    });
  }
  const front = paretoFrontier(means);
  if (front.length > 1) {
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: 'Pareto frontier',
      x: front.map((p) => p.x),
      y: front.map((p) => p.y),
      line: { color: '#000000', width: 1, dash: 'dash' },
      hoverinfo: 'skip',
    });
  }
  return {
    data,
    layout: {
      xaxis: {
        title: { text: gainScale === 100 ? 'Target gain G<sub>tgt</sub> (accuracy points)' : 'Target gain G<sub>tgt</sub> (nats of target loss)' },
        zeroline: true,
        zerolinecolor: REFERENCE_GREY,
      },
      yaxis: { title: { text: 'Pretrain retention R<sub>pre</sub> (%)' }, zeroline: false },
      shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: 100, y1: 100, line: { color: REFERENCE_GREY, width: 1, dash: 'dot' } }],
    },
    empty: null,
  };
}
