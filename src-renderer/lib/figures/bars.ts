import type { Data } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';
import { seedStat } from '../../../src-shared/aggregate';
import { comparisonRows } from '../../../src-shared/compare-rows';
import { finalPoint, styleMarker, type FigureContext } from './figure';
import { seriesStyles } from './series-style';

// Plotly's default gap between categories: the bars of one category share the remaining 0.8 of its slot.
const GROUP_WIDTH = 0.8;

/** Grouped bars with a marker on each bar, and the x axis that names their categories. */
export interface GroupedBars {
  data: Data[];
  /** A numeric axis (bars sit at 0, 1, …) labelled with the categories. */
  xaxis: { tickmode: 'array'; tickvals: number[]; ticktext: string[]; zeroline: false };
}

/**
 * Grouped bars, one trace per experiment: for each category, the mean over the experiment's seeds
 * of `valueOf` at the final point, error bars ±1 std. Categories keep their first-seen order. Each bar
 * carries its method's marker on top (and the legend shows colour and marker): bars have no symbols,
 * so the bars are placed explicitly and a marker trace sits at each bar's centre.
 */
export function groupedBars(runs: RunDetail[], ctx: FigureContext, valuesOf: (run: RunDetail) => Map<string, number>): GroupedBars {
  const rows = comparisonRows(runs.filter((r) => finalPoint(r) !== null));
  const perRun = new Map(runs.map((r) => [r.id, valuesOf(r)]));
  const categories = [...new Set(rows.flatMap((row) => row.runs.flatMap((r) => [...perRun.get(r.id)!.keys()])))];
  const width = GROUP_WIDTH / Math.max(rows.length, 1);
  const styles = seriesStyles(rows, ctx.styleOf);
  const data = rows.flatMap((row, i) => {
    const stats = categories.map((c) => seedStat(row.runs.map((r) => perRun.get(r.id)!.get(c))));
    const style = styles.get(row.key)!;
    const offset = -GROUP_WIDTH / 2 + i * width;
    const x = categories.map((_, k) => k);
    const y = stats.map((s) => s?.mean ?? null);
    return [
      {
        type: 'bar',
        name: row.label,
        legendgroup: row.key,
        showlegend: false,
        x,
        y,
        width,
        offset,
        error_y: { type: 'data', array: stats.map((s) => s?.std ?? 0), visible: stats.some((s) => s?.std != null), color: '#333333', thickness: 1, width: 2 },
        marker: { color: style.color, line: { color: '#333333', width: 0.5 } },
        customdata: categories,
        hovertemplate: `${row.label}<br>%{customdata}: %{y:.3g}<extra></extra>`,
      } satisfies Data,
      {
        type: 'scatter',
        mode: 'markers',
        name: row.label,
        legendgroup: row.key,
        x: x.map((k) => k + offset + width / 2),
        y,
        marker: styleMarker(style, 8),
        hoverinfo: 'skip',
      } satisfies Data,
    ];
  });
  return { data, xaxis: { tickmode: 'array', tickvals: categories.map((_, k) => k), ticktext: categories, zeroline: false } };
}
