import type { ExportedFigure, RunDetail } from '../../../src-shared/api';
import { FIGURE_KINDS, type PaperPreset } from '../../../src-shared/figure-options';
import { bundleFigureName, taskGroups } from '../../../src-shared/task-groups';
import { buildFigure } from './build';
import { figureSvg } from './export';
import type { FigureContext } from './figure';
import { FigureFitError } from './paper-fit';

/**
 * Every figure that has something to draw, as SVG at the preset, for the reproducibility bundle: one set
 * per task, so no figure mixes tasks. A figure the preset cannot hold is left out, with the reason.
 */
export async function bundleFigures(runs: RunDetail[], ctx: FigureContext, preset: PaperPreset): Promise<{ figures: ExportedFigure[]; leftOut: string[] }> {
  const out: ExportedFigure[] = [];
  const leftOut: string[] = [];
  const groups = taskGroups(runs);
  for (const [g, group] of groups.entries()) {
    for (const kind of FIGURE_KINDS) {
      const figure = buildFigure(kind, group.runs, ctx);
      if (figure.empty) continue;
      const name = bundleFigureName(kind, g, groups.length);
      try {
        out.push({ name, content: await figureSvg(figure, preset, { advice: false }), encoding: 'utf8' });
      } catch (error) {
        if (!(error instanceof FigureFitError)) throw error;
        leftOut.push(`${name}: ${error.message}`);
      }
    }
  }
  return { figures: out, leftOut };
}
