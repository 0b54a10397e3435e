import type { RenderFigure } from '../src-shared/figure-options';
import { createHttpTransport } from './lib/api/http-transport';
import { createApi } from './lib/api/transport';
import { runStyles } from './lib/compare/method-style';
import { buildFigure } from './lib/figures/build';
import { figurePng, figureSvg } from './lib/figures/export';

declare global {
  interface Window {
    /** See FigurePageGlobals in src-shared/figure-options.ts. */
    retainlabRenderFigure?: RenderFigure;
  }
}

const api = createApi(createHttpTransport(window.location));

// The CLI renders figures with the app's own builders, so a scripted paper gets exactly the app's figures.
window.retainlabRenderFigure = async ({ kind, runIds, preset, format, param, seeds = 'mean', advice = true }) => {
  const [catalog, runs] = await Promise.all([api.catalog(), Promise.all(runIds.map((id) => api.getRun(id)))]);
  const figure = buildFigure(kind, runs, { styleOf: runStyles(catalog.methods), param, seeds });
  return format === 'svg' ? figureSvg(figure, preset, { advice }) : figurePng(figure, preset);
};
