import type { Data } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';
import { seedStat } from '../../../src-shared/aggregate';
import { comparisonRows } from '../../../src-shared/compare-rows';
import type { EvalPoint } from '../../../src-shared/evaluation';
import { emptyFigure, finalPoint, metricAxis, styleLine, styleMarker, translucent, type Figure, type FigureContext } from './figure';
import { seriesStyles } from './series-style';

/** The α whose merged model a run reports (its final evaluation): WiSE-FT's own `reportAlpha`, or that of a WiSE-FT partner; null without one. */
export function reportedAlpha(config: unknown): number | null {
  const method = (config as { method?: { id?: unknown; params?: unknown; with?: unknown } } | null)?.method;
  const components = [method, ...(Array.isArray(method?.with) ? method.with : [])] as (
    { id?: unknown; params?: { reportAlpha?: unknown } } | null | undefined
  )[];
  const alpha = components.find((c) => c?.id === 'wiseft')?.params?.reportAlpha;
  return typeof alpha === 'number' ? alpha : null;
}

function sweepOf(run: RunDetail): Map<number, EvalPoint> {
  const points = run.evaluations.filter((e) => e.phase === 'sweep' && e.alpha !== null && e.aTgt !== null);
  return new Map(points.map((e) => [e.alpha!, e]));
}

const mean = (values: (number | null)[]) => seedStat(values)!.mean;

/**
 * WiSE-FT α curves: for each experiment (seed group) the mean over seeds of (A_tgt, A_pre) of the
 * interpolated weights at each α, in α order, in the method's colour, marker and line style. No
 * point carries a text label (labels of neighbouring curves overlapped): α is on hover, the shared
 * start θ₀ (α = 0) is one marked point, and each experiment's reported α (its final evaluation, the
 * model its headline numbers come from) is ringed. Each seed's curve is drawn faintly too when
 * `ctx.seeds` is 'all'.
 */
export function wiseftFigure(runs: RunDetail[], ctx: FigureContext): Figure {
  const data: Data[] = [];
  const axis = metricAxis(runs);
  const rows = comparisonRows(runs.filter((r) => sweepOf(r).size >= 2));
  const styles = seriesStyles(rows, ctx.styleOf);
  const starts = new Map<string, { x: number; y: number }>();
  const reported: { x: number; y: number; alpha: number; label: string }[] = [];
  for (const row of rows) {
    const style = styles.get(row.key)!;
    const sweeps = row.runs.map(sweepOf);
    // Only the α every seed evaluated: a mean must not mix seeds with absences.
    const alphas = [...sweeps[0].keys()].filter((a) => sweeps.every((s) => s.has(a))).sort((a, b) => a - b);
    if (alphas.length < 2) continue;
    const hover = `α=%{customdata}<br>A_tgt ${axis.tgt.hover.replace('VAL', 'x')}<br>A_pre ${axis.pre.hover.replace('VAL', 'y')}<extra></extra>`;
    if (ctx.seeds === 'all' && row.runs.length > 1) {
      for (const [i, sweep] of sweeps.entries()) {
        data.push({
          type: 'scatter',
          mode: 'lines',
          name: `${row.label}, seed ${row.runs[i].seed}`,
          legendgroup: row.key,
          showlegend: false,
          x: alphas.map((a) => sweep.get(a)!.aTgt! * axis.tgt.scale),
          y: alphas.map((a) => sweep.get(a)!.aPre * axis.pre.scale),
          customdata: alphas,
          hovertemplate: `${row.label}, seed ${row.runs[i].seed}<br>${hover}`,
          line: { ...styleLine(style, 0.75), color: translucent(style.color, 0.45) },
        });
      }
    }
    const x = alphas.map((a) => mean(sweeps.map((s) => s.get(a)!.aTgt)) * axis.tgt.scale);
    const y = alphas.map((a) => mean(sweeps.map((s) => s.get(a)!.aPre)) * axis.pre.scale);
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: row.label,
      legendgroup: row.key,
      x,
      y,
      customdata: alphas,
      hovertemplate: `${row.label}, ${row.runs.length} seed(s)<br>${hover}`,
      line: styleLine(style, 1.5),
      marker: styleMarker(style, 6),
    });
    if (alphas[0] === 0) starts.set(`${x[0].toPrecision(6)},${y[0].toPrecision(6)}`, { x: x[0], y: y[0] });
    const alpha = reportedAlpha(row.runs[0].config);
    const finals = row.runs.map(finalPoint).filter((e) => e?.phase === 'final' && e.aTgt !== null) as EvalPoint[];
    if (alpha !== null && finals.length === row.runs.length) {
      reported.push({ x: mean(finals.map((e) => e.aTgt)) * axis.tgt.scale, y: mean(finals.map((e) => e.aPre)) * axis.pre.scale, alpha, label: row.label });
    }
  }
  if (!data.length) return emptyFigure('No selected run has a WiSE-FT α sweep');
  if (starts.size) {
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'θ₀ (α = 0)',
      x: [...starts.values()].map((p) => p.x),
      y: [...starts.values()].map((p) => p.y),
      marker: { symbol: 'asterisk-open', size: 12, color: '#333333', line: { color: '#333333', width: 1.5 } },
      hovertemplate: 'base model θ₀ (α = 0)<extra></extra>',
    });
  }
  if (reported.length) {
    const alphas = new Set(reported.map((r) => r.alpha));
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: alphas.size === 1 ? `reported α = ${reported[0].alpha}` : 'reported α',
      x: reported.map((r) => r.x),
      y: reported.map((r) => r.y),
      text: reported.map((r) => `${r.label}<br>reported α = ${r.alpha}`),
      hovertemplate: '%{text}<extra></extra>',
      marker: { symbol: 'circle-open', size: 16, color: '#000000', line: { color: '#000000', width: 1.5 } },
    });
  }
  return {
    data,
    layout: {
      xaxis: { title: { text: axis.tgt.title }, zeroline: false },
      yaxis: { title: { text: axis.pre.title }, zeroline: false },
    },
    empty: null,
  };
}
