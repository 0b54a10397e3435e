import type { Data, Layout, LayoutAxis } from 'plotly.js-dist';
import { PAPER_FONTS, type PaperPreset } from '../../../src-shared/figure-options';
import type { Figure } from './figure';

/** Plotly lays paper figures out in points: 72 layout units per inch, so a font of 8 is 8 pt on paper. */
export const UNITS_PER_INCH = 72;

// Anchored to the bottom of the whole figure, so Plotly reserves room for it under the axis title.
const BOTTOM_LEGEND = { orientation: 'h' as const, x: 0, xanchor: 'left' as const, yref: 'container' as const, y: 0, yanchor: 'bottom' as const };

const SCREEN_FONT = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 12, color: '#1d2430' };

function axis(a: Partial<LayoutAxis> | undefined, extra: Partial<LayoutAxis>): Partial<LayoutAxis> {
  return { ...a, automargin: true, ...extra };
}

/** The figure as the app shows it: interactive, the app's font, legend under the plot. */
export function screenLayout(figure: Figure, height: number): Partial<Layout> {
  const l = figure.layout;
  return {
    ...l,
    font: SCREEN_FONT,
    height,
    margin: { l: 56, r: 24, t: l.title ? 36 : 16, b: 48 },
    xaxis: axis(l.xaxis, {}),
    yaxis: axis(l.yaxis, {}),
    legend: BOTTOM_LEGEND,
    hovermode: 'closest',
  };
}

// Paper figures are small: a legend of a few entries goes inside the plot's top-right corner
// (a legend under a 2-inch-high plot would take half of it); a longer one stays underneath.
const INSIDE_LEGEND_MAX_ENTRIES = 4;

/** An axis title broken before its unit when it would not fit along the axis at this font size. */
function fittedTitle(a: Partial<LayoutAxis> | undefined, lengthPt: number, fontPt: number): Partial<LayoutAxis>['title'] {
  const title = a?.title;
  const text = typeof title === 'string' ? title : title?.text;
  // ≈0.5 em per character is a fair average width for the paper fonts.
  if (!text || text.length * fontPt * 0.5 <= lengthPt * 0.85) return title;
  const broken = text.replace(/ \(([^()]*)\)$/, '<br>($1)');
  return typeof title === 'string' ? { text: broken } : { ...title, text: broken };
}

/**
 * The figure as a paper wants it: exact size, the chosen font and size, thin black axes with
 * outside ticks, light grid, a compact legend, no title (the caption names the figure).
 */
export function paperLayout(figure: Figure, preset: PaperPreset): Partial<Layout> {
  const l = figure.layout;
  const legend = legendPlacement(figure.data, preset);
  const line = {
    showline: true,
    linecolor: '#000000',
    linewidth: 0.75,
    mirror: true,
    ticks: 'outside' as const,
    ticklen: 3,
    tickwidth: 0.75,
    gridcolor: '#e6e6e6',
    gridwidth: 0.5,
  };
  return {
    ...l,
    title: undefined,
    // Not rounded: the SVG's viewBox must have exactly the aspect of its size in inches.
    width: preset.widthIn * UNITS_PER_INCH,
    height: preset.heightIn * UNITS_PER_INCH,
    font: { family: PAPER_FONTS[preset.font], size: preset.fontPt, color: '#000000' },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 4, r: 4, t: 4, b: 4, pad: 0 },
    xaxis: axis(l.xaxis, { ...line, title: fittedTitle(l.xaxis, preset.widthIn * UNITS_PER_INCH, preset.fontPt) }),
    // The y axis is as long as the height the legend underneath leaves.
    yaxis: axis(l.yaxis, {
      ...line,
      title: fittedTitle(l.yaxis, preset.heightIn * UNITS_PER_INCH - (legend.inside ? 0 : legend.heightPt) - 3 * preset.fontPt, preset.fontPt),
    }),
    legend: {
      ...(legend.inside
        ? { ...emptiestCorner(figure.data, preset), bgcolor: 'rgba(255,255,255,0.85)', bordercolor: '#999999', borderwidth: 0.5 }
        : BOTTOM_LEGEND),
      font: { size: legend.fontPt },
      tracegroupgap: 0,
      itemwidth: 30,
    },
    showlegend: figure.data.length > 1,
  };
}

/**
 * The corner of the plot area whose legend-sized box holds the fewest data points, as legend
 * anchors (categorical axes count as spread evenly). The box is the legend's estimated share of
 * the plot: entry names at ≈0.5 em a character plus the symbol, one line of 1.5 em per entry.
 */
function emptiestCorner(data: Data[], preset: PaperPreset): { x: number; xanchor: 'left' | 'right'; y: number; yanchor: 'top' | 'bottom' } {
  const names = data.filter((t) => (t as { showlegend?: boolean }).showlegend !== false).map(legendText);
  const fontPt = Math.max(5, preset.fontPt - 1);
  const plotW = preset.widthIn * UNITS_PER_INCH * 0.8;
  const plotH = preset.heightIn * UNITS_PER_INCH * 0.7;
  const boxW = Math.min(1, (40 + Math.max(0, ...names.map((n) => n.length)) * fontPt * 0.5) / plotW);
  const boxH = Math.min(1, (names.length * fontPt * 1.5 + 6) / plotH);
  const points = data.flatMap((t) => {
    const { x, y } = t as { x?: unknown[]; y?: unknown[] };
    if (!Array.isArray(x) || !Array.isArray(y)) return [];
    return x.map((xv, i) => [typeof xv === 'number' ? xv : i, Number(y[i])] as const).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  });
  const span = (values: number[]) => [Math.min(...values), Math.max(...values) - Math.min(...values) || 1];
  const [x0, xw] = span(points.map((p) => p[0]));
  const [y0, yw] = span(points.map((p) => p[1]));
  const corners = [
    { x: 1, xanchor: 'right', y: 1, yanchor: 'top' },
    { x: 0, xanchor: 'left', y: 1, yanchor: 'top' },
    { x: 1, xanchor: 'right', y: 0, yanchor: 'bottom' },
    { x: 0, xanchor: 'left', y: 0, yanchor: 'bottom' },
  ] as const;
  const inside = (c: (typeof corners)[number], [px, py]: readonly [number, number]) => {
    const [u, v] = [(px - x0) / xw, (py - y0) / yw];
    return (c.x === 1 ? u >= 1 - boxW : u <= boxW) && (c.y === 1 ? v >= 1 - boxH : v <= boxH);
  };
  return [...corners].sort((a, b) => points.filter((p) => inside(a, p)).length - points.filter((p) => inside(b, p)).length)[0];
}

/** A trace's legend text as printed: its name without markup such as <sub>…</sub>. */
function legendText(trace: Data): string {
  return String((trace as { name?: string }).name ?? '').replace(/<[^>]+>/g, '');
}

/**
 * Where a paper legend goes: a few entries inside the plot; more underneath, unless that would take
 * over half the figure's height (then inside with a smaller font, so nothing is cut off at the
 * bottom). Heights are estimates: Plotly gives a legend row about 1.3 em plus 10 pt.
 */
function legendPlacement(data: Data[], preset: PaperPreset): { inside: boolean; crowded: boolean; fontPt: number; heightPt: number } {
  const names = data.filter((t) => (t as { showlegend?: boolean }).showlegend !== false).map(legendText);
  const fontPt = Math.max(5, preset.fontPt - 1);
  const widthPt = preset.widthIn * UNITS_PER_INCH;
  const entryPt = 40 + Math.max(0, ...names.map((n) => n.length)) * fontPt * 0.5;
  const rows = Math.ceil(names.length / Math.max(1, Math.floor(widthPt / entryPt)));
  const heightPt = rows * (fontPt * 1.3 + 10);
  if (names.length <= INSIDE_LEGEND_MAX_ENTRIES) return { inside: true, crowded: false, fontPt, heightPt };
  if (heightPt <= 0.5 * preset.heightIn * UNITS_PER_INCH) return { inside: false, crowded: false, fontPt, heightPt };
  return { inside: true, crowded: true, fontPt: Math.max(5, preset.fontPt - 2), heightPt };
}

/** A warning when a paper figure's legend cannot fit beside its plot at this size (it is then drawn over the plot), or null. */
export function legendAdvice(figure: Figure, preset: PaperPreset): string | null {
  const legend = legendPlacement(figure.data, preset);
  if (!legend.crowded) return null;
  const needIn = (legend.heightPt / UNITS_PER_INCH).toFixed(1);
  return `At ${preset.widthIn} × ${preset.heightIn} in the legend needs about ${needIn} in of height and is drawn over the plot: a double-column width or a taller figure keeps it clear.`;
}

// Marker sizes and line widths are chosen for the screen (1 unit = 1 px); on paper 1 unit is 1 pt, which would make them bulky.
const PAPER_MARK_SCALE = 0.55;
const PAPER_LINE_SCALE = 0.7;

/** The traces with marks and lines thinned for paper, where a layout unit is a point. */
export function paperData(data: Data[]): Data[] {
  return data.map((trace) => {
    const t = trace as Record<string, unknown> & {
      marker?: { size?: number; line?: { width?: number } };
      line?: { width?: number };
      error_x?: { width?: number };
      error_y?: { width?: number };
    };
    return {
      ...t,
      ...(t.marker
        ? {
            marker: {
              ...t.marker,
              ...(typeof t.marker.size === 'number' ? { size: t.marker.size * PAPER_MARK_SCALE } : {}),
              ...(t.marker.line ? { line: { ...t.marker.line, width: 0.5 } } : {}),
            },
          }
        : {}),
      ...(t.line ? { line: { ...t.line, width: (t.line.width ?? 2) * PAPER_LINE_SCALE } } : {}),
      ...(t.error_x ? { error_x: { ...t.error_x, width: 2 } } : {}),
      ...(t.error_y ? { error_y: { ...t.error_y, width: 2 } } : {}),
    } as Data;
  });
}
