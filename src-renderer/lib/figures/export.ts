import type { RetainLabApi } from '../../../src-shared/api';
import { presetIssues, type FigureFormat, type PaperPreset } from '../../../src-shared/figure-options';
import type { Figure } from './figure';
import { loadPlotly } from './plotly';
import { fitPaperFigure } from './paper-fit';
import { paperFontFaces } from './paper-fonts';
import { PAGE_PAD, plotSize, UNITS_PER_INCH } from './style';

/** An exported figure file. */
export interface FigureFile {
  format: FigureFormat;
  /** SVG text, or base64 for PNG and PDF. */
  content: string;
  encoding: 'utf8' | 'base64';
  mime: string;
}

/** Gives the SVG its paper size in inches; the viewBox keeps the layout units inside and shows Plotly's canvas within the page's padding. */
export function sizeSvg(svg: string, preset: PaperPreset): string {
  // Not rounded: the viewBox must have exactly the aspect of the size in inches.
  const w = preset.widthIn * UNITS_PER_INCH;
  const h = preset.heightIn * UNITS_PER_INCH;
  return svg.replace(/<svg\b[^>]*>/, (tag) => {
    const rest = tag.replace(/\s(width|height|viewBox)="[^"]*"/g, '').replace(/^<svg/, '');
    return `<svg width="${preset.widthIn}in" height="${preset.heightIn}in" viewBox="${-PAGE_PAD} ${-PAGE_PAD} ${w} ${h}"${rest}`;
  });
}

function checked(figure: Figure, preset: PaperPreset): void {
  const issues = presetIssues(preset);
  if (issues.length) throw new Error(`Bad figure size or font: ${issues.join('; ')}`);
  if (figure.empty) throw new Error(`Nothing to export: ${figure.empty}`);
}

/** Puts the paper font's faces (files inline) into the SVG, so it looks the same wherever it is opened, rasterised or printed. */
function withFont(svg: string, preset: PaperPreset): string {
  return svg.replace(/<svg\b[^>]*>/, (tag) => `${tag}<style>${paperFontFaces(preset.font)}</style>`);
}

/** The figure as vector SVG at the preset's paper size (Plotly's own SVG: paths and text, no raster), its font embedded. */
export async function figureSvg(figure: Figure, preset: PaperPreset, options: { advice?: boolean } = {}): Promise<string> {
  checked(figure, preset);
  const fit = await fitPaperFigure(figure, preset, options);
  const Plotly = await loadPlotly();
  const [width, height] = plotSize(preset);
  const uri = await Plotly.toImage({ data: fit.data, layout: fit.layout, config: { staticPlot: true } } as never, { format: 'svg', width, height });
  return sizeSvg(withFont(decodeURIComponent(uri.replace(/^data:image\/svg\+xml,/, '')), preset), preset);
}

/** The figure as PNG of widthIn × dpi by heightIn × dpi pixels, base64: the exported SVG, font and all, drawn at that resolution. */
export async function figurePng(figure: Figure, preset: PaperPreset): Promise<string> {
  const svg = await figureSvg(figure, preset);
  const [width, height] = [Math.round(preset.widthIn * preset.dpi), Math.round(preset.heightIn * preset.dpi)];
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [width, height];
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.drawImage(image, 0, 0, width, height);
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

/** Exports a figure: SVG and PNG here, PDF printed by the host from the SVG so it stays vector. */
export async function exportFigure(api: RetainLabApi, figure: Figure, preset: PaperPreset, format: FigureFormat): Promise<FigureFile> {
  if (format === 'svg') return { format, content: await figureSvg(figure, preset), encoding: 'utf8', mime: 'image/svg+xml' };
  if (format === 'png') return { format, content: await figurePng(figure, preset), encoding: 'base64', mime: 'image/png' };
  if (format === 'pdf') {
    const pdf = await api.figurePdf(await figureSvg(figure, preset), preset.widthIn, preset.heightIn);
    return { format, content: pdf.base64, encoding: 'base64', mime: 'application/pdf' };
  }
  throw new Error(`Unknown figure format '${format}': use svg, png or pdf`);
}
