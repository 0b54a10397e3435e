import type { Data } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';
import { seedStat } from '../../../src-shared/aggregate';
import { comparisonRows } from '../../../src-shared/compare-rows';
import { finalPoint, type FigureContext } from './figure';

/**
 * Grouped bars, one trace per experiment: for each category, the mean over the experiment's seeds
 * of `valueOf` at the final point, error bars ±1 std. Categories keep their first-seen order.
 */
export function groupedBars(runs: RunDetail[], ctx: FigureContext, valuesOf: (run: RunDetail) => Map<string, number>): Data[] {
  const rows = comparisonRows(runs.filter((r) => finalPoint(r) !== null));
  const perRun = new Map(runs.map((r) => [r.id, valuesOf(r)]));
  const categories = [...new Set(rows.flatMap((row) => row.runs.flatMap((r) => [...perRun.get(r.id)!.keys()])))];
  return rows.map((row) => {
    const stats = categories.map((c) => seedStat(row.runs.map((r) => perRun.get(r.id)!.get(c))));
    const color = ctx.colorOf(row.methodId);
    return {
      type: 'bar',
      name: row.label,
      x: categories,
      y: stats.map((s) => s?.mean ?? null),
      error_y: { type: 'data', array: stats.map((s) => s?.std ?? 0), visible: stats.some((s) => s?.std != null), color: '#333333', thickness: 1, width: 2 },
      marker: { color },
      hovertemplate: `${row.label}<br>%{x}: %{y:.3g}<extra></extra>`,
    } satisfies Data;
  });
}
