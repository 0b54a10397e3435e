import type { Data } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';
import { seedStat } from '../../../src-shared/aggregate';
import { comparisonRows } from '../../../src-shared/compare-rows';
import { flattenConfig } from '../../../src-shared/config-diff';
import { emptyFigure, metricAxis, styleLine, styleMarker, type Figure, type FigureContext } from './figure';
import { seriesStyles } from './series-style';

// Seeds are what is aggregated; the study name changes nothing that is computed.
const NOT_SWEPT = new Set(['seed', 'studyName']);

function numericValue(display: string | undefined): number | null {
  if (display === undefined || display.trim() === '') return null;
  const v = Number(display);
  return Number.isFinite(v) ? v : null;
}

/** Config paths with a number in every run and at least two different values: the parameters a trade-off curve can follow. */
export function sweptParameters(runs: readonly RunDetail[]): string[] {
  const flat = runs.map((r) => flattenConfig(r.config));
  const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))].filter((p) => !NOT_SWEPT.has(p)).sort();
  return paths.filter((p) => {
    const values = flat.map((f) => numericValue(f.get(p)));
    return values.every((v) => v !== null) && new Set(values).size > 1;
  });
}

// The copy is no run record any more: only the comparison reads it.
function withoutPath(config: RunDetail['config'], path: string): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> | undefined = copy;
  for (const k of keys.slice(0, -1)) node = node?.[k] as Record<string, unknown> | undefined;
  if (node) delete node[keys.at(-1)!];
  return copy;
}

/**
 * Trade-off curve of a swept parameter: for each setting of everything else (a series), the
 * (A_tgt, A_pre) mean over seeds at each value of the parameter, joined in parameter order, with
 * ±1 std error bars and the value written at each point of a series that sweeps it (the others are reference points).
 */
export function tradeoffFigure(runs: RunDetail[], ctx: FigureContext): Figure {
  const finished = runs.filter((r) => r.headline && r.headline.aTgt !== null);
  const candidates = sweptParameters(finished);
  // A path may be given by its end (`data.useFraction` for `baseModel.data.useFraction`), as the runs filter takes it.
  const param = ctx.param
    ? (candidates.find((c) => c === ctx.param) ?? candidates.find((c) => c.endsWith(`.${ctx.param}`)) ?? ctx.param)
    : (candidates[0] ?? null);
  if (!param) return emptyFigure('No numeric parameter varies between the selected runs');
  if (!candidates.includes(param))
    return emptyFigure(
      `Parameter ${param} does not vary (as a number) between the selected runs${candidates.length ? ` (these do: ${candidates.join(', ')})` : ''}`,
    );
  const shortName = param.split('.').at(-1)!;
  const axis = metricAxis(finished);
  const k = axis.scale;
  // comparisonRows with the swept path removed groups the runs into series and labels them.
  const series = comparisonRows(finished.map((r) => ({ ...r, config: withoutPath(r.config, param) })));
  const styles = seriesStyles(series, ctx.styleOf);
  const data: Data[] = series.map((s) => {
    const byValue = new Map<number, RunDetail[]>();
    for (const r of s.runs) {
      // The series' copies lack the swept path: read its value from the run's own config.
      const run = finished.find((x) => x.id === r.id)!;
      const v = Number(flattenConfig(run.config).get(param));
      byValue.set(v, [...(byValue.get(v) ?? []), run]);
    }
    const points = [...byValue]
      .sort(([a], [b]) => a - b)
      .map(([value, members]) => ({
        value,
        tgt: seedStat(members.map((m) => m.headline!.aTgt))!,
        pre: seedStat(members.map((m) => m.headline!.aPre))!,
      }));
    const style = styles.get(s.key)!;
    const color = style.color;
    // A series with one value of the parameter is a reference point: its value would only crowd the swept ones.
    const swept = points.length > 1;
    return {
      type: 'scatter',
      mode: swept ? 'text+lines+markers' : 'markers',
      name: swept ? `${s.label}, ${shortName} as marked` : s.label,
      x: points.map((p) => p.tgt.mean * k),
      y: points.map((p) => p.pre.mean * k),
      error_x: { type: 'data', array: points.map((p) => (p.tgt.std ?? 0) * k), visible: points.some((p) => p.tgt.std !== null), color, thickness: 1, width: 2 },
      error_y: { type: 'data', array: points.map((p) => (p.pre.std ?? 0) * k), visible: points.some((p) => p.pre.std !== null), color, thickness: 1, width: 2 },
      // The value alone at each point: the legend names the swept parameter.
      text: points.map((p) => (swept ? String(p.value) : '')),
      customdata: points.map((p) => `${shortName}=${p.value}`),
      textposition: 'top center',
      // Labels at the plot's edge would be cut off by the axes otherwise.
      cliponaxis: false,
      textfont: { color },
      hovertemplate: `${s.label}<br>%{customdata}<br>A_tgt ${axis.hover.replace('VAL', 'x')}<br>A_pre ${axis.hover.replace('VAL', 'y')}<extra></extra>`,
      line: styleLine(style, 1.5),
      marker: styleMarker(style, 8),
    } satisfies Data;
  });
  return {
    data,
    layout: {
      title: { text: `Swept: ${param}` },
      xaxis: { title: { text: axis.tgt }, zeroline: false },
      yaxis: { title: { text: axis.pre }, zeroline: false },
    },
    empty: null,
  };
}
