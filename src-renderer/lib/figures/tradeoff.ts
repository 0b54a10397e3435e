import type { Data } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';
import { seedStat } from '../../../src-shared/aggregate';
import { comparisonRows } from '../../../src-shared/compare-rows';
import { flattenConfig } from '../../../src-shared/config-diff';
import { emptyFigure, metricAxis, styleLine, styleMarker, type Figure, type FigureContext } from './figure';
import { compareValues, seriesStyles } from './series-style';
import { matchPath, sweepGroups, type SweepGroup } from './sweep-runs';

// Seeds are what is aggregated; the study name changes nothing that is computed; a sweep tag repeats values found elsewhere in the config.
const NOT_SWEPT = /^(seed|studyName|sweep(\..*)?)$/;

function numericValue(display: string | undefined): number | null {
  if (display === undefined || display.trim() === '') return null;
  const v = Number(display);
  return Number.isFinite(v) ? v : null;
}

/** Config paths with a number in every run and at least two different values: the parameters a trade-off curve can follow. */
export function sweptParameters(runs: readonly RunDetail[]): string[] {
  const flat = runs.map((r) => flattenConfig(r.config));
  const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))].filter((p) => !NOT_SWEPT.test(p)).sort();
  return paths.filter((p) => {
    const values = flat.map((f) => numericValue(f.get(p)));
    return values.every((v) => v !== null) && new Set(values).size > 1;
  });
}

// The copy is no run record any more: only the comparison reads it. Its sweep point loses the path too, so that the
// runs of a curve, which differ only there, make one series.
function withoutPath(config: RunDetail['config'], path: string): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> | undefined = copy;
  for (const k of keys.slice(0, -1)) node = node?.[k] as Record<string, unknown> | undefined;
  if (node) delete node[keys.at(-1)!];
  const point = (copy.sweep as { point?: Record<string, unknown> } | undefined)?.point;
  if (point) delete point[path];
  return copy;
}

/**
 * The parameters the trade-off figure can follow: the axes of the selected runs' sweeps, or, when no
 * selected run is of a sweep, the numeric config paths that vary between them.
 */
export function tradeoffParameters(runs: readonly RunDetail[]): { params: string[]; ofSweeps: boolean } {
  const sweeps = sweepGroups(runs);
  if (!sweeps.length) return { params: sweptParameters(runs), ofSweeps: false };
  return { params: [...new Set(sweeps.flatMap((g) => g.axes))], ofSweeps: true };
}

// Share of a series' span within which two of its points are neighbours whose labels would collide.
const CROWDED = 0.08;

// Each label above its point, except below where a neighbour close by (ranks that end up alike) has its label above.
function labelSides(points: [number, number][]): ('top center' | 'bottom center')[] {
  const span = (i: 0 | 1) => Math.max(...points.map((p) => p[i])) - Math.min(...points.map((p) => p[i])) || 1;
  const [dx, dy] = [span(0), span(1)];
  const sides: ('top center' | 'bottom center')[] = [];
  points.forEach(([x, y], i) => {
    const near = points.slice(0, i).some(([px, py], j) => sides[j] === 'top center' && Math.abs(x - px) < CROWDED * dx && Math.abs(y - py) < CROWDED * dy);
    sides.push(near ? 'bottom center' : 'top center');
  });
  return sides;
}

/** Which parameter each run's curve follows (runs without one are reference points), or why there is none. */
type CurveAxes = Map<string, string> | string;

// Runs without sweep tags: one parameter that varies (as a number) between all of them, as before sweeps were tagged.
function plainAxes(finished: readonly RunDetail[], wanted: string | null | undefined): CurveAxes {
  const candidates = sweptParameters(finished);
  const param = wanted ? (matchPath(candidates, wanted) ?? wanted) : (candidates[0] ?? null);
  if (!param) return 'No numeric parameter varies between the selected runs';
  if (!candidates.includes(param))
    return `Parameter ${param} does not vary (as a number) between the selected runs${candidates.length ? ` (these do: ${candidates.join(', ')})` : ''}`;
  return new Map(finished.map((r) => [r.id, param]));
}

// Runs of sweeps: each sweep follows the chosen parameter where it is one of its axes, else its first axis.
function sweepAxes(sweeps: readonly SweepGroup<RunDetail>[], wanted: string | null | undefined): CurveAxes {
  const all = [...new Set(sweeps.flatMap((g) => g.axes))];
  const chosen = wanted ? matchPath(all, wanted) : null;
  if (wanted && !chosen) return `Parameter ${wanted} is no axis of the selected sweeps (these are: ${all.join(', ')})`;
  const axes = new Map<string, string>();
  for (const g of sweeps) {
    const axis = chosen && g.axes.includes(chosen) ? chosen : g.axes[0];
    if (axis) for (const r of g.runs) axes.set(r.id, axis);
  }
  return axes;
}

/**
 * Trade-off curve of a swept parameter: the (A_tgt, A_pre) mean over seeds at each value of the
 * parameter, joined in parameter order, with ±1 std error bars and the value written at each point.
 * Runs of sweeps (tagged by their study) follow one of their sweep's axes (`ctx.param` where the
 * sweep has it, else its first), one curve per setting of the sweep's other axes; every other
 * selected run is a reference point at its seeds' mean. Runs without sweep tags follow one numeric
 * parameter that varies between them all, one curve per setting of everything else.
 */
export function tradeoffFigure(runs: RunDetail[], ctx: FigureContext): Figure {
  const finished = runs.filter((r) => r.headline && r.headline.aTgt !== null);
  const sweeps = sweepGroups(finished);
  const axes = sweeps.length ? sweepAxes(sweeps, ctx.param) : plainAxes(finished, ctx.param);
  if (typeof axes === 'string') return emptyFigure(axes);
  const axis = metricAxis(finished);
  const byId = new Map(finished.map((r) => [r.id, r]));
  // comparisonRows with each run's followed path removed groups the runs into series and labels them.
  const series = comparisonRows(finished.map((r) => (axes.has(r.id) ? { ...r, config: withoutPath(r.config, axes.get(r.id)!) } : r)));
  const styles = seriesStyles(series, ctx.styleOf);
  const data: Data[] = series.map((s) => {
    const param = axes.get(s.runs[0].id) ?? null;
    const shortName = param?.split('.').at(-1) ?? '';
    const byValue = new Map<string, RunDetail[]>();
    for (const r of s.runs) {
      // The series' copies lack the followed path: read its value from the run's own config.
      const run = byId.get(r.id)!;
      const v = param ? (flattenConfig(run.config).get(param) ?? '') : '';
      byValue.set(v, [...(byValue.get(v) ?? []), run]);
    }
    const points = [...byValue]
      .sort(([a], [b]) => compareValues(a, b))
      .map(([value, members]) => ({
        value,
        tgt: seedStat(members.map((m) => m.headline!.aTgt))!,
        pre: seedStat(members.map((m) => m.headline!.aPre))!,
      }));
    const style = styles.get(s.key)!;
    const color = style.color;
    // Without sweeps, a series with one value of the parameter is a reference point: its value would only crowd the swept ones.
    // A sweep's series is a curve even at one point (a sampled grid), and says which.
    const swept = param !== null && (points.length > 1 || sweeps.length > 0);
    return {
      type: 'scatter',
      mode: swept ? (points.length > 1 ? 'text+lines+markers' : 'text+markers') : 'markers',
      name: swept ? `${s.label}, ${shortName} as marked` : s.label,
      x: points.map((p) => p.tgt.mean * axis.tgt.scale),
      y: points.map((p) => p.pre.mean * axis.pre.scale),
      error_x: {
        type: 'data',
        array: points.map((p) => (p.tgt.std ?? 0) * axis.tgt.scale),
        visible: points.some((p) => p.tgt.std !== null),
        color,
        thickness: 1,
        width: 2,
      },
      error_y: {
        type: 'data',
        array: points.map((p) => (p.pre.std ?? 0) * axis.pre.scale),
        visible: points.some((p) => p.pre.std !== null),
        color,
        thickness: 1,
        width: 2,
      },
      // The value alone at each point: the legend names the swept parameter.
      text: points.map((p) => (swept ? p.value : '')),
      customdata: points.map((p) => (param ? `<br>${shortName}=${p.value}` : '')),
      textposition: labelSides(points.map((p) => [p.tgt.mean, p.pre.mean])),
      // Labels at the plot's edge would be cut off by the axes otherwise.
      cliponaxis: false,
      textfont: { color },
      hovertemplate: `${s.label}%{customdata}<br>A_tgt ${axis.tgt.hover.replace('VAL', 'x')}<br>A_pre ${axis.pre.hover.replace('VAL', 'y')}<extra></extra>`,
      line: styleLine(style, 1.5),
      marker: styleMarker(style, 8),
    } satisfies Data;
  });
  const followed = [...new Set(series.flatMap((s) => axes.get(s.runs[0].id) ?? []))];
  return {
    data,
    layout: {
      title: { text: `Swept: ${followed.join(', ')}` },
      xaxis: { title: { text: axis.tgt.title }, zeroline: false },
      yaxis: { title: { text: axis.pre.title }, zeroline: false },
    },
    empty: null,
  };
}
