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

/**
 * The figure as a paper wants it: exact size, the chosen font and size, thin black axes with
 * outside ticks, light grid, legend under the plot, no title (the caption names the figure).
 */
export function paperLayout(figure: Figure, preset: PaperPreset): Partial<Layout> {
  const l = figure.layout;
  const line = { showline: true, linecolor: '#000000', linewidth: 0.75, mirror: true, ticks: 'outside' as const, ticklen: 3, tickwidth: 0.75, gridcolor: '#e6e6e6', gridwidth: 0.5 };
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
    xaxis: axis(l.xaxis, line),
    yaxis: axis(l.yaxis, line),
    legend: { ...BOTTOM_LEGEND, font: { size: Math.max(5, preset.fontPt - 1) }, tracegroupgap: 0 },
    showlegend: figure.data.length > 1,
  };
}

// Marker sizes and line widths are chosen for the screen (1 unit = 1 px); on paper 1 unit is 1 pt, which would make them bulky.
const PAPER_MARK_SCALE = 0.55;
const PAPER_LINE_SCALE = 0.7;

/** The traces with marks and lines thinned for paper, where a layout unit is a point. */
export function paperData(data: Data[]): Data[] {
  return data.map((trace) => {
    const t = trace as Record<string, unknown> & { marker?: { size?: number; line?: { width?: number } }; line?: { width?: number }; error_x?: { width?: number }; error_y?: { width?: number } };
    return {
      ...t,
      ...(t.marker ? { marker: { ...t.marker, ...(typeof t.marker.size === 'number' ? { size: t.marker.size * PAPER_MARK_SCALE } : {}), ...(t.marker.line ? { line: { ...t.marker.line, width: 0.5 } } : {}) } } : {}),
      ...(t.line ? { line: { ...t.line, width: (t.line.width ?? 2) * PAPER_LINE_SCALE } } : {}),
      ...(t.error_x ? { error_x: { ...t.error_x, width: 2 } } : {}),
      ...(t.error_y ? { error_y: { ...t.error_y, width: 2 } } : {}),
    } as Data;
  });
}
