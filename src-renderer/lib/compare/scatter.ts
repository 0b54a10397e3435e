import type { Data } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';

/** Where a run lands on the retention–gain plane: x in accuracy points, y in % of A_pre(θ₀). */
export interface PlanePoint {
  gainPoints: number;
  retentionPct: number;
}

/** A point against a base: target gain in points (×100) and pretrain retention in %. */
export function toPlane(aPre: number, aTgt: number, aPreBase: number, aTgtBase: number): PlanePoint | null {
  if (!(aPreBase > 0)) return null; // retention is undefined when the base model knows nothing
  return { gainPoints: (aTgt - aTgtBase) * 100, retentionPct: (aPre / aPreBase) * 100 };
}

/** Whether a run has the numbers to be placed on the plane. */
export function isPlottable(run: RunDetail): boolean {
  return run.headline !== null && run.headline.retention !== null;
}

/** Plotly traces: the base model at (0, 100 %), one marker trace per method, and each WiSE-FT α sweep as a dotted line. */
export function retentionGainTraces(runs: RunDetail[], colorOf: (methodId: string) => string): Data[] {
  const traces: Data[] = [
    {
      type: 'scatter',
      mode: 'markers',
      name: 'base model θ₀',
      x: [0],
      y: [100],
      marker: { symbol: 'star', size: 14, color: '#333333' },
      hovertemplate: 'base model θ₀<extra></extra>',
    },
  ];

  const plotted = runs.filter(isPlottable);
  const methods = [...new Set(plotted.map((r) => r.methodId))];
  for (const methodId of methods) {
    const own = plotted.filter((r) => r.methodId === methodId);
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: own[0].methodLabel,
      legendgroup: methodId,
      x: own.map((r) => r.headline!.targetGain * 100),
      y: own.map((r) => r.headline!.retention! * 100),
      text: own.map((r) => `${r.id}<br>${r.methodLabel} · seed ${r.seed}`),
      hovertemplate: '%{text}<br>target gain %{x:.1f} pts<br>retention %{y:.1f}%<extra></extra>',
      marker: { size: 10, color: colorOf(methodId), line: { color: 'white', width: 1 } },
    });
  }

  for (const run of plotted) {
    const h = run.headline!;
    const points = run.evaluations
      .flatMap((e) => (e.phase === 'sweep' && e.alpha !== null && e.aTgt !== null ? [{ alpha: e.alpha, p: toPlane(e.aPre, e.aTgt, h.aPreBase, h.aTgtBase) }] : []))
      .filter((s) => s.p)
      .sort((a, b) => a.alpha - b.alpha);
    if (!points.length) continue;
    traces.push({
      type: 'scatter',
      mode: 'text+lines+markers',
      name: `${run.methodLabel} α sweep (seed ${run.seed})`,
      legendgroup: run.methodId,
      showlegend: false,
      x: points.map((s) => s.p!.gainPoints),
      y: points.map((s) => s.p!.retentionPct),
      text: points.map((s) => `α=${s.alpha}`),
      textposition: 'top right',
      textfont: { size: 10, color: colorOf(run.methodId) },
      hovertemplate: `${run.id} · seed ${run.seed}<br>%{text}<br>target gain %{x:.1f} pts<br>retention %{y:.1f}%<extra></extra>`,
      line: { dash: 'dot', width: 1.5, color: colorOf(run.methodId) },
      marker: { size: 5, color: colorOf(run.methodId) },
    });
  }
  return traces;
}
