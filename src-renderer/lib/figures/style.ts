import type { Data, Layout, LayoutAxis } from 'plotly.js-dist';
import { PAPER_FONTS, type PaperPreset } from '../../../src-shared/figure-options';
import type { Figure } from './figure';

/**
 * Plotly lays paper figures out in half points: 144 layout units per inch. Half points, not points,
 * because Plotly gives every legend entry at least 16 units of height: 16 pt would space a legend
 * of 7 pt text twice as loosely as it needs.
 */
export const UNITS_PER_INCH = 144;
/** Layout units per typographic point. */
const PT = UNITS_PER_INCH / 72;
/**
 * Padding of the paper page around what Plotly draws, in layout units: Plotly reserves room for
 * titles by its own estimate of their height, which leaves a rotated title's descenders up to half a
 * point past its canvas; the exported SVG shows the canvas inside this padding (sizeSvg).
 */
export const PAGE_PAD = 1.5 * PT;

/** The size Plotly draws a paper figure at, in layout units: the page less its padding. */
export function plotSize(preset: PaperPreset): [number, number] {
  return [preset.widthIn * UNITS_PER_INCH - 2 * PAGE_PAD, preset.heightIn * UNITS_PER_INCH - 2 * PAGE_PAD];
}

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
    // A second value axis (A_tgt in another unit than A_pre) on the right, with room for its ticks and title.
    ...(l.yaxis2 ? { yaxis2: axis(l.yaxis2, {}) } : {}),
    legend: BOTTOM_LEGEND,
    hovermode: 'closest',
  };
}

/** Where a paper figure's legend goes: beside the plot, under it, inside one of its corners, or nowhere (one series). */
export type LegendPlacement = 'right' | 'bottom' | 'inside-top-right' | 'inside-top-left' | 'inside-bottom-right' | 'inside-bottom-left' | 'none';

/** The placements a figure's legend may take, in the order they are tried. */
export function legendPlacements(figure: Figure): LegendPlacement[] {
  const entries = figure.data.filter((t) => (t as { showlegend?: boolean }).showlegend !== false);
  if (entries.length <= 1) return ['none'];
  return ['right', 'bottom', 'inside-top-right', 'inside-top-left', 'inside-bottom-right', 'inside-bottom-left'];
}

function legendLayout(placement: LegendPlacement): Partial<Layout['legend']> {
  if (placement === 'right') return { orientation: 'v', xref: 'paper', x: 1.02, xanchor: 'left', yref: 'paper', y: 1, yanchor: 'top' };
  if (placement === 'bottom') return BOTTOM_LEGEND;
  const [, vertical, horizontal] = placement.split('-') as [string, 'top' | 'bottom', 'left' | 'right'];
  return {
    orientation: 'v',
    xref: 'paper',
    yref: 'paper',
    x: horizontal === 'right' ? 1 : 0,
    xanchor: horizontal,
    y: vertical === 'top' ? 1 : 0,
    yanchor: vertical,
    bgcolor: 'rgba(255,255,255,0.85)',
    bordercolor: '#999999',
    borderwidth: 0.5 * PT,
  };
}

const SUBSCRIPT_DIGITS = '₀₁₂₃₄₅₆₇₈₉';

// Symbols the figures use that the paper fonts' Latin and Greek files lack, written with glyphs they have.
const SPELLED: [RegExp, string][] = [
  [/\s*→\s*/g, ' to '],
  [/‖/g, '||'],
];

/**
 * Text for paper: Unicode subscript digits (θ₀) become Plotly's <sub>, and the few symbols the paper
 * fonts lack are spelled with glyphs they have: a glyph from another font would embed a second family.
 */
export function paperText<T>(text: T): T {
  if (typeof text !== 'string') return text;
  const spelled = SPELLED.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text as string);
  return spelled.replace(/[₀-₉]+/g, (digits) => `<sub>${[...digits].map((d) => SUBSCRIPT_DIGITS.indexOf(d)).join('')}</sub>`) as T;
}

function paperTitle(title: Partial<LayoutAxis>['title']): Partial<LayoutAxis>['title'] {
  if (typeof title === 'string') return paperText(title);
  return title?.text ? { ...title, text: paperText(title.text) } : title;
}

/** A category label broken after its first separator (slash, underscore or space) into two lines. */
function wrapLabel(label: string): string {
  return label.replace(/([/_ ])/, '$1<br>');
}

/** An axis title broken before its unit ("Accuracy<br>(%)"), for a figure too small to hold it on one line. */
function brokenTitle(a: Partial<LayoutAxis> | undefined): Partial<LayoutAxis>['title'] {
  const title = a?.title;
  const text = typeof title === 'string' ? title : title?.text;
  if (!text) return title;
  const broken = text.replace(/ \(([^()]*)\)$/, '<br>($1)');
  return typeof title === 'string' ? { text: broken } : { ...title, text: broken };
}

// A figure that draws its own axes (parallel coordinates) turns the frame, ticks or grid of Plotly's off: paper keeps that.
const FRAME_KEYS = ['showline', 'mirror', 'ticks', 'showgrid'] as const;
function ownFrame(a: Partial<LayoutAxis> | undefined): Partial<LayoutAxis> {
  return Object.fromEntries(FRAME_KEYS.filter((k) => a?.[k] !== undefined).map((k) => [k, a![k]]));
}

/** How to lay a figure out on paper: where its legend goes, whether axis titles break before their unit, whether x tick labels stand upright. */
export interface PaperArrangement {
  legend: LegendPlacement;
  breakTitles: boolean;
  /** Category labels (layer names) on two lines, for an axis too narrow to hold them side by side on one. */
  uprightTicks: boolean;
}

/**
 * The figure as a paper wants it: exact size, the chosen font and size, thin black axes with
 * outside ticks, light grid, the legend where `arrangement` puts it, no title (the caption names
 * the figure). Whether it fits is measured by paper-fit.ts, which tries the arrangements.
 */
export function paperLayout(figure: Figure, preset: PaperPreset, arrangement: PaperArrangement): Partial<Layout> {
  const l = figure.layout;
  const line = {
    showline: true,
    linecolor: '#000000',
    linewidth: 0.75 * PT,
    mirror: true,
    ticks: 'outside' as const,
    ticklen: 3 * PT,
    tickwidth: 0.75 * PT,
    gridcolor: '#e6e6e6',
    gridwidth: 0.5 * PT,
  };
  // A standoff makes Plotly place each title from its tick labels as measured, not from its own estimate (which upright category labels upset).
  const title = (a: Partial<LayoutAxis> | undefined) => {
    const t = paperTitle(arrangement.breakTitles ? brokenTitle(a) : a?.title);
    return typeof t === 'string' ? { text: t, standoff: 3 * PT } : t?.text ? { ...t, standoff: 3 * PT } : t;
  };
  return {
    ...l,
    title: undefined,
    width: plotSize(preset)[0],
    height: plotSize(preset)[1],
    font: { family: PAPER_FONTS[preset.font], size: preset.fontPt * PT, color: '#000000' },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 4 * PT, r: 4 * PT, t: 4 * PT, b: 4 * PT, pad: 0 },
    xaxis: axis(l.xaxis, {
      ...line,
      ...ownFrame(l.xaxis),
      title: title(l.xaxis),
      // Category labels too wide to stand side by side go on two lines (layer 'dense1/kernel' → 'dense1/' over 'kernel'):
      // Plotly measures multi-line labels well, while its margins for rotated ones fall short.
      ...(l.xaxis?.ticktext
        ? { ticktext: (l.xaxis.ticktext as string[]).map((t) => (arrangement.uprightTicks ? wrapLabel(paperText(t)) : paperText(t))), tickangle: 0 }
        : arrangement.uprightTicks
          ? { tickangle: -90 }
          : {}),
    }),
    // With a second value axis on the right (A_tgt in another unit than A_pre) each draws its own line and ticks:
    // the left one's mirror would hide that the right is another scale.
    yaxis: axis(l.yaxis, { ...line, ...(l.yaxis2 ? { mirror: false } : {}), ...ownFrame(l.yaxis), title: title(l.yaxis) }),
    ...(l.yaxis2 ? { yaxis2: axis(l.yaxis2, { ...line, mirror: false, ...ownFrame(l.yaxis2), title: title(l.yaxis2) }) } : {}),
    legend: { ...legendLayout(arrangement.legend), font: { size: Math.max(5, preset.fontPt - 1) * PT }, tracegroupgap: 0, itemwidth: 30 },
    showlegend: arrangement.legend !== 'none',
    annotations: l.annotations?.map((a) => ({ ...a, text: paperText(a.text) })),
  };
}

// Marker sizes and line widths are chosen for the screen (1 unit = 1 px); at 1 px = 1 pt they would be bulky on paper.
const PAPER_MARK_SCALE = 0.55 * PT;
const PAPER_LINE_SCALE = 0.7 * PT;

/** The traces with marks and lines thinned for paper, where a layout unit is half a point. */
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
      name: paperText(t.name),
      ...(Array.isArray(t.text) ? { text: t.text.map(paperText) } : typeof t.text === 'string' ? { text: paperText(t.text) } : {}),
      ...(t.marker
        ? {
            marker: {
              ...t.marker,
              ...(typeof t.marker.size === 'number' ? { size: t.marker.size * PAPER_MARK_SCALE } : {}),
              ...(t.marker.line ? { line: { ...t.marker.line, width: 0.5 * PT } } : {}),
            },
          }
        : {}),
      ...(t.line ? { line: { ...t.line, width: (t.line.width ?? 2) * PAPER_LINE_SCALE } } : {}),
      ...(t.error_x ? { error_x: { ...t.error_x, width: 2 * PT, thickness: 1 * PT } } : {}),
      ...(t.error_y ? { error_y: { ...t.error_y, width: 2 * PT, thickness: 1 * PT } } : {}),
    } as Data;
  });
}
