/** The figures a comparison offers; the CLI's --figure takes these names. */
export const FIGURE_KINDS = ['scatter', 'curves', 'wiseft', 'tradeoff', 'parallel', 'cd-classes', 'distance'] as const;
/** One of FIGURE_KINDS. */
export type FigureKind = (typeof FIGURE_KINDS)[number];
/** File formats a figure exports to. */
export const FIGURE_FORMATS = ['svg', 'png', 'pdf'] as const;
/** One of FIGURE_FORMATS. */
export type FigureFormat = (typeof FIGURE_FORMATS)[number];

/** Journal column widths in inches (e.g. IEEE/ACM two-column templates). */
export const PAPER_WIDTHS = { single: 3.25, double: 6.75 } as const;
/** Font families offered for paper figures: each one family, shipped with the app and embedded in every exported figure. */
export const PAPER_FONTS = {
  serif: '"STIX Two Text"',
  sans: '"Noto Sans"',
} as const;

/** How a figure is laid out on paper: size in inches, font, and raster resolution. */
export interface PaperPreset {
  widthIn: number;
  heightIn: number;
  font: keyof typeof PAPER_FONTS;
  /** Font size in points. */
  fontPt: number;
  /** Resolution of PNG exports, dots per inch. */
  dpi: number;
}

/** Allowed ranges, checked the same way by the UI and the CLI. */
export const PRESET_LIMITS = { widthIn: [1, 8.5], heightIn: [0.5, 11], fontPt: [5, 14], dpi: [72, 1200] } as const;

/**
 * A sensible height for a width: wider figures are flatter so a double-column figure does not fill the
 * page; a column-wide one is nearly square, as it holds its legend under the plot.
 */
export function defaultHeightIn(widthIn: number): number {
  return Math.round(widthIn * (widthIn > 4.5 ? 0.42 : 0.9) * 100) / 100;
}

/** The paper preset of a column width with the default font, size and DPI. */
export function paperPreset(widthIn: number = PAPER_WIDTHS.single): PaperPreset {
  return { widthIn, heightIn: defaultHeightIn(widthIn), font: 'serif', fontPt: 8, dpi: 300 };
}

/** Problems with a preset, one line each, naming the field; empty when it is fine. */
export function presetIssues(preset: PaperPreset): string[] {
  const issues: string[] = [];
  for (const key of ['widthIn', 'heightIn', 'fontPt', 'dpi'] as const) {
    const [lo, hi] = PRESET_LIMITS[key];
    const v = preset[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) issues.push(`${key}: must be a number from ${lo} to ${hi}, got ${v}`);
  }
  if (!(preset.font in PAPER_FONTS)) issues.push(`font: must be one of ${Object.keys(PAPER_FONTS).join(', ')}, got ${preset.font}`);
  return issues;
}

/** What `retainlab export` asks of the figure page (src-renderer/figure-page.ts): one figure of the given runs as SVG text or PNG base64. */
export type RenderFigure = (request: {
  kind: FigureKind;
  runIds: string[];
  preset: PaperPreset;
  format: Exclude<FigureFormat, 'pdf'>;
  param: string | null;
  /** Learning and α curves: each experiment's mean over seeds (default), or each seed's line under it too. */
  seeds?: 'mean' | 'all';
  /** When the figure does not fit: whether the message also names sizes that hold it (costly; a bundle skips it). */
  advice?: boolean;
}) => Promise<string>;

/** The global the figure page sets, which the CLI calls through the headless browser. */
export interface FigurePageGlobals {
  retainlabRenderFigure?: RenderFigure;
}
