import type { Annotation, Data } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';
import { comparisonRows, SHORT_NAMES } from '../../../src-shared/compare-rows';
import { flattenConfig } from '../../../src-shared/config-diff';
import { emptyFigure, metricAxis, styleLine, styleMarker, translucent, type Figure, type FigureContext } from './figure';
import { isPlottable } from './scatter';
import { compareValues } from './series-style';
import { sweepGroups } from './sweep-runs';
import { tradeoffParameters } from './tradeoff';

/** One vertical axis: its name under it, where a value lies on it (0 at the bottom, 1 at the top; null when the run has none) and its labelled values. */
interface Axis {
  name: string;
  at: (value: string | number | undefined) => number | null;
  ticks: { at: number; text: string }[];
}

// Labels of one axis closer than this (share of its height) would overlap: the later one is left out.
const MIN_TICK_GAP = 0.09;
// At most this many values of a parameter are written on its axis; more get round values instead.
const MAX_TICKS = 6;
// Room left of the first axis for its labels and right of the last for its marks and half its name, in distances between axes.
const LEFT_ROOM = 0.6;
const RIGHT_ROOM = 0.3;

const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

/** A number written short: at most 3 significant digits, no trailing zeros. */
function short(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/** Round values (1, 2 or 5 × 10^k apart) spanning [min, max], and the range they span; a single value gets a range around it. */
function niceScale(min: number, max: number): { lo: number; hi: number; values: number[] } {
  if (min === max) [min, max] = [min - Math.max(1, Math.abs(min) * 0.05), max + Math.max(1, Math.abs(max) * 0.05)];
  const raw = (max - min) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const [lo, hi] = [Math.floor(min / step) * step, Math.ceil(max / step) * step];
  const values: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) values.push(Number(v.toFixed(12)));
  return { lo, hi, values };
}

// Labels in order up the axis, each far enough from the one kept below it.
function spaced(ticks: { at: number; text: string }[]): { at: number; text: string }[] {
  const kept: { at: number; text: string }[] = [];
  for (const t of [...ticks].sort((a, b) => a.at - b.at)) if (!kept.length || t.at - kept.at(-1)!.at >= MIN_TICK_GAP) kept.push(t);
  return kept;
}

/** The axis of a metric (retention, gain): linear over round values spanning what the experiments reached. */
function metricScale(name: string, values: number[]): Axis {
  const { lo, hi, values: round } = niceScale(Math.min(...values), Math.max(...values));
  const at = (v: string | number | undefined) => (typeof v === 'number' ? (v - lo) / (hi - lo) : null);
  return { name, at, ticks: round.map((v) => ({ at: at(v)!, text: short(v) })) };
}

/**
 * The axis of a parameter from its values' display texts: numbers on a linear scale, or a log scale
 * where they span a decade or more (ranks 1–64, learning rates); anything else (choices, lists) as
 * evenly spaced categories in their sorted order.
 */
function parameterScale(name: string, shown: string[]): Axis {
  const distinct = [...new Set(shown)].sort(compareValues);
  if (!distinct.every(isNumber)) {
    const at = (v: string | number | undefined) => (v === undefined ? null : distinct.length > 1 ? distinct.indexOf(String(v)) / (distinct.length - 1) : 0.5);
    return { name, at, ticks: spaced(distinct.map((v) => ({ at: at(v)!, text: v.length > 12 ? `${v.slice(0, 11)}…` : v }))) };
  }
  const numbers = distinct.map(Number);
  const [min, max] = [numbers[0], numbers.at(-1)!];
  const log = min > 0 && max / min >= 10;
  const f = log ? Math.log10 : (v: number) => v;
  const at = (v: string | number | undefined) => (v === undefined ? null : min === max ? 0.5 : (f(Number(v)) - f(min)) / (f(max) - f(min)));
  let ticks = distinct.map((v) => ({ at: at(v)!, text: v }));
  if (distinct.length > MAX_TICKS) {
    const round = log
      ? Array.from({ length: Math.floor(Math.log10(max)) - Math.ceil(Math.log10(min)) + 1 }, (_, i) => 10 ** (Math.ceil(Math.log10(min)) + i))
      : niceScale(min, max).values.filter((v) => v >= min && v <= max);
    ticks = [min, ...round, max].map((v) => ({ at: at(v)!, text: short(v) }));
  }
  return { name: log ? `${name} (log)` : name, at, ticks: spaced(ticks) };
}

// Paper notation for a parameter path; a name two paths share is spelled out whole.
function axisNames(paths: string[]): string[] {
  const names = paths.map((p) => SHORT_NAMES[p.split('.').at(-1)!] ?? p.split('.').at(-1)!);
  return names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? paths[i] : n));
}

/**
 * Parallel coordinates of the selected experiments: one axis per swept parameter (the axes of the
 * selected runs' sweeps, or the numeric settings that vary between untagged runs), then pretrain
 * retention and target gain; one line per experiment through its seeds' mean, in its method's colour,
 * marker and line style (each seed's own line faintly under it when `ctx.seeds` is 'all'). A run
 * without a parameter (a reference run next to a sweep) has a gap on that axis. Drawn as ordinary
 * scatter lines on normalised axes, so that it exports as vector and lays out like the other figures.
 */
export function parallelFigure(runs: RunDetail[], ctx: FigureContext): Figure {
  const finished = runs.filter(isPlottable).filter((r) => r.headline!.targetGain !== null);
  const rows = comparisonRows(finished);
  if (!rows.length) return emptyFigure('No finished fine-tuning run with headline numbers selected');
  const { params, ofSweeps } = tradeoffParameters(finished);
  if (!params.length) return emptyFigure('No parameter is swept among the selected runs');
  const gainScale = metricAxis(finished).tgt.scale;
  // A method's parameter is read only of the methods swept over it: LoRA's fixed alpha is no point on L2-SP's alpha axis.
  const sweeps = sweepGroups(finished);
  const sweptBy = new Map(params.map((p) => [p, new Set(sweeps.filter((g) => g.axes.includes(p)).flatMap((g) => g.runs.map((r) => r.methodId)))]));
  const valueOf = (run: RunDetail, path: string) =>
    ofSweeps && path.startsWith('method.') && !sweptBy.get(path)!.has(run.methodId) ? undefined : flattenConfig(run.config).get(path);
  const retention = (run: { headline: RunDetail['headline'] }) => run.headline!.retention! * 100;
  const gain = (run: { headline: RunDetail['headline'] }) => run.headline!.targetGain! * gainScale;
  const names = axisNames(params);
  const axes: Axis[] = [
    ...params.map((p, i) =>
      parameterScale(
        names[i],
        finished.flatMap((r) => valueOf(r, p) ?? []),
      ),
    ),
    metricScale('R<sub>pre</sub> (%)', [...finished.map(retention)]),
    metricScale(gainScale === 100 ? 'G<sub>tgt</sub> (pts)' : 'G<sub>tgt</sub> (nats)', [...finished.map(gain)]),
  ];
  const xs = axes.map((_, i) => i);
  // Where a run's line crosses each axis: its parameters, then its retention and gain (a seed mean or one seed's).
  const crossings = (run: RunDetail, ret: number, g: number) => [
    ...params.map((p, i) => axes[i].at(valueOf(run, p))),
    axes.at(-2)!.at(ret),
    axes.at(-1)!.at(g),
  ];
  const data: Data[] = [];
  const legendShown = new Set<string>();
  for (const row of rows) {
    const style = ctx.styleOf(row.runs[0]);
    const method = row.runs[0].methodLabel.replace(/ \([^)]*\)/g, '');
    const group = `${method}\u0000${JSON.stringify(style)}`;
    if (ctx.seeds === 'all') {
      for (const run of row.runs) {
        data.push({
          type: 'scatter',
          mode: 'lines',
          name: `${row.label}, seed ${run.seed}`,
          legendgroup: group,
          showlegend: false,
          x: xs,
          y: crossings(run, retention(run), gain(run)),
          line: { ...styleLine(style, 0.75), color: translucent(style.color, 0.45) },
          hoverinfo: 'skip',
        });
      }
    }
    const [ret, g] = [row.metrics.retention.mean * 100, row.metrics.targetGain.mean * gainScale];
    const shown = [...params.map((p) => valueOf(row.runs[0], p) ?? '–'), `${ret.toFixed(1)}%`, short(g)];
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: method,
      legendgroup: group,
      showlegend: !legendShown.has(group),
      x: xs,
      y: crossings(row.runs[0], ret, g),
      text: axes.map((a, i) => `${a.name}: ${shown[i]}`),
      hovertemplate: `${row.label}, ${row.runs.length} seed(s)<br>%{text}<extra></extra>`,
      line: styleLine(style, 1.5),
      marker: styleMarker(style, 6),
    });
    legendShown.add(group);
  }
  // Each axis's labelled values as short marks on it, and their text beside it on the left.
  const ticks = axes.flatMap((a, i) => a.ticks.map((t) => ({ x: i, ...t })));
  data.push({
    type: 'scatter',
    mode: 'markers',
    name: 'axis ticks',
    showlegend: false,
    x: ticks.map((t) => t.x),
    y: ticks.map((t) => t.at),
    marker: { symbol: 'line-ew', size: 5, color: '#000000', line: { color: '#000000', width: 1 } },
    hoverinfo: 'skip',
  });
  const annotations: Partial<Annotation>[] = ticks.map((t) => ({
    text: t.text,
    x: t.x,
    y: t.at,
    xref: 'x',
    yref: 'y',
    xanchor: 'right',
    yanchor: 'middle',
    xshift: -4,
    showarrow: false,
  }));
  return {
    data,
    layout: {
      xaxis: {
        range: [-LEFT_ROOM, axes.length - 1 + RIGHT_ROOM],
        tickvals: xs,
        ticktext: axes.map((a) => a.name),
        showgrid: false,
        zeroline: false,
        showline: false,
        ticks: '',
        // Plotly would drop a name that reaches past the figure without a word; drawn, the paper fit sees it and finds a size that holds it.
        ticklabeloverflow: 'allow',
      },
      yaxis: { range: [-0.05, 1.05], visible: false },
      shapes: xs.map((x) => ({ type: 'line', xref: 'x', yref: 'y', x0: x, x1: x, y0: 0, y1: 1, line: { color: '#000000', width: 1 } })),
      annotations,
    },
    empty: null,
  };
}
