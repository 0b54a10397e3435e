import type { FigureFormat, FigureKind, PaperPreset } from '../src-shared/figure-options';
import { createHttpTransport } from './lib/api/http-transport';
import { createApi } from './lib/api/transport';
import { methodColor } from './lib/compare/method-colors';
import { buildFigure } from './lib/figures/build';
import { figurePng, figureSvg } from './lib/figures/export';

/** What `retainlab export` asks of this page: one figure of the given runs as SVG text or PNG base64. */
export type RenderFigure = (request: { kind: FigureKind; runIds: string[]; preset: PaperPreset; format: Exclude<FigureFormat, 'pdf'>; param: string | null }) => Promise<string>;

declare global {
  interface Window {
    retainlabRenderFigure?: RenderFigure;
  }
}

const api = createApi(createHttpTransport(window.location));

// The CLI renders figures with the app's own builders, so a scripted paper gets exactly the app's figures.
window.retainlabRenderFigure = async ({ kind, runIds, preset, format, param }) => {
  const [catalog, runs] = await Promise.all([api.catalog(), Promise.all(runIds.map((id) => api.getRun(id)))]);
  const registryIds = catalog.methods.map((m) => m.id);
  const figure = buildFigure(kind, runs, { colorOf: (id) => methodColor(id, registryIds), param });
  return format === 'svg' ? figureSvg(figure, preset) : figurePng(figure, preset);
};
