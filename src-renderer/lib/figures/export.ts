import type { RetainLabApi } from '../../../src-shared/api';
import { presetIssues, type FigureFormat, type PaperPreset } from '../../../src-shared/figure-options';
import type { Figure } from './figure';
import { loadPlotly } from './plotly';
import { paperData, paperLayout, UNITS_PER_INCH } from './style';

/** An exported figure file. */
export interface FigureFile {
  format: FigureFormat;
  /** SVG text, or base64 for PNG and PDF. */
  content: string;
  encoding: 'utf8' | 'base64';
  mime: string;
}

/** Gives the SVG its paper size in inches; the viewBox keeps the layout units (points) inside. */
export function sizeSvg(svg: string, preset: PaperPreset): string {
  const w = preset.widthIn * UNITS_PER_INCH;
  const h = preset.heightIn * UNITS_PER_INCH;
  return svg.replace(/<svg\b[^>]*>/, (tag) => {
    const rest = tag.replace(/\s(width|height|viewBox)="[^"]*"/g, '').replace(/^<svg/, '');
    return `<svg width="${preset.widthIn}in" height="${preset.heightIn}in" viewBox="0 0 ${w} ${h}"${rest}`;
  });
}

function checked(figure: Figure, preset: PaperPreset): void {
  const issues = presetIssues(preset);
  if (issues.length) throw new Error(`Bad figure size or font: ${issues.join('; ')}`);
  if (figure.empty) throw new Error(`Nothing to export: ${figure.empty}`);
}

/** The figure as vector SVG at the preset's paper size (Plotly's own SVG: paths and text, no raster). */
export async function figureSvg(figure: Figure, preset: PaperPreset): Promise<string> {
  checked(figure, preset);
  const Plotly = await loadPlotly();
  const layout = paperLayout(figure, preset);
  const uri = await Plotly.toImage({ data: paperData(figure.data), layout, config: { staticPlot: true } } as never, {
    format: 'svg',
    width: layout.width!,
    height: layout.height!,
  });
  return sizeSvg(decodeURIComponent(uri.replace(/^data:image\/svg\+xml,/, '')), preset);
}

/** The figure as PNG of widthIn × dpi by heightIn × dpi pixels, base64. */
export async function figurePng(figure: Figure, preset: PaperPreset): Promise<string> {
  checked(figure, preset);
  const Plotly = await loadPlotly();
  const layout = paperLayout(figure, preset);
  const uri = await Plotly.toImage({ data: paperData(figure.data), layout } as never, {
    format: 'png',
    width: layout.width!,
    height: layout.height!,
    scale: preset.dpi / UNITS_PER_INCH,
  });
  return uri.replace(/^data:image\/png;base64,/, '');
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
