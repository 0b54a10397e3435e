import type { ExportedFigure, RunDetail } from '../../../src-shared/api';
import { FIGURE_KINDS, type PaperPreset } from '../../../src-shared/figure-options';
import { buildFigure } from './build';
import { figureSvg } from './export';
import type { FigureContext } from './figure';

/** Every figure that has something to draw, as SVG at the preset, for the reproducibility bundle. */
export async function bundleFigures(runs: RunDetail[], ctx: FigureContext, preset: PaperPreset): Promise<ExportedFigure[]> {
  const out: ExportedFigure[] = [];
  for (const kind of FIGURE_KINDS) {
    const figure = buildFigure(kind, runs, ctx);
    if (!figure.empty) out.push({ name: `${kind}.svg`, content: await figureSvg(figure, preset), encoding: 'utf8' });
  }
  return out;
}
