import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { comparisonRows } from '../../src-shared/compare-rows';
import { formatTable, TABLE_FORMATS, type TableFormat } from '../../src-shared/export-tables';
import { FIGURE_FORMATS, FIGURE_KINDS, PAPER_FONTS, defaultHeightIn, paperPreset, presetIssues, type FigureFormat, type FigureKind, type PaperPreset } from '../../src-shared/figure-options';
import { ValidationError } from '../../src-shared/validation';
import type { RenderFigure } from '../../src-renderer/figure-page';
import { launchHeadlessChromium, printSvgPdf } from '../export/chromium-printer';
import { readOnlyWorkbench } from '../export/read-only-workbench';
import { selectRuns } from '../export/select-runs';
import { startBrowserServer } from '../server/http-server';
import { VERSION } from '../version';
import type { Args } from './args';

/** Usage of `retainlab export`. */
export const EXPORT_USAGE = `usage: retainlab export --runs <id,id,…|tag:NAME|all> and one of
  --figure <${FIGURE_KINDS.join('|')}> --format <svg|png|pdf> --out FILE
      [--width IN (default 3.25; 6.75 for double column)] [--height IN] [--font serif|sans] [--font-size PT] [--dpi N] [--param CONFIG.PATH]
  --table <csv|latex|md> --out FILE
  --bundle FILE.zip`;

function text(args: Args, key: string): string | null {
  const v = args.flags.get(key);
  if (v === true) throw new ValidationError(`--${key} needs a value`, [`--${key}: needs a value`]);
  return v ?? null;
}

function number(args: Args, key: string, fallback: number): number {
  const v = text(args, key);
  if (v === null) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ValidationError(`--${key} must be a number, got '${v}'`, [`--${key}: not a number: '${v}'`]);
  return n;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new ValidationError(`--${flag} must be one of ${allowed.join(', ')}, got '${value}'`, [`--${flag}: '${value}' is not one of ${allowed.join(', ')}`]);
  return value as T;
}

/** The paper preset from --width, --height, --font, --font-size and --dpi, every field checked. */
export function presetFromArgs(args: Args): PaperPreset {
  const widthIn = number(args, 'width', paperPreset().widthIn);
  const preset: PaperPreset = {
    widthIn,
    heightIn: number(args, 'height', defaultHeightIn(widthIn)),
    font: oneOf(text(args, 'font') ?? 'serif', Object.keys(PAPER_FONTS) as (keyof typeof PAPER_FONTS)[], 'font'),
    fontPt: number(args, 'font-size', 8),
    dpi: number(args, 'dpi', 300),
  };
  const issues = presetIssues(preset).map((i) => `--${{ widthIn: 'width', heightIn: 'height', fontPt: 'font-size', dpi: 'dpi', font: 'font' }[i.split(':')[0]] ?? i.split(':')[0]}:${i.split(':').slice(1).join(':')}`);
  if (issues.length) throw new ValidationError(`bad figure size: ${issues.join('; ')}`, issues);
  return preset;
}

async function renderFigure(page: Page, request: Parameters<RenderFigure>[0]): Promise<string> {
  return page.evaluate(async (req) => {
    const render = window.retainlabRenderFigure;
    if (!render) throw new Error('the figure page did not load');
    return render(req);
  }, request);
}

/**
 * `retainlab export`: figures through the app's own figure code in headless Chromium (the same
 * SVG as the UI; PDF printed by Chromium from that SVG, so vector), tables and bundles directly.
 */
export async function exportCommand(args: Args, dataDir: string): Promise<number> {
  const runsSpec = text(args, 'runs');
  const figure = text(args, 'figure');
  const table = text(args, 'table');
  const bundle = text(args, 'bundle');
  const out = text(args, 'out');
  const chosen = [figure, table, bundle].filter((v) => v !== null).length;
  if (!runsSpec || chosen !== 1) throw new ValidationError(`export needs --runs and exactly one of --figure, --table, --bundle\n${EXPORT_USAGE}`, ['--runs, --figure | --table | --bundle']);
  if ((figure || table) && !out) throw new ValidationError(`--out FILE is required with --${figure ? 'figure' : 'table'}`, ['--out: missing']);
  const kind = figure ? oneOf<FigureKind>(figure, FIGURE_KINDS, 'figure') : null;
  const format = kind ? oneOf<FigureFormat>(text(args, 'format') ?? 'svg', FIGURE_FORMATS, 'format') : null;
  const tableFormat = table ? oneOf<TableFormat>(table, TABLE_FORMATS, 'table') : null;
  const preset = kind || bundle ? presetFromArgs(args) : null;

  const wb = readOnlyWorkbench(dataDir, { version: VERSION, mode: 'browser' });
  try {
    const runs = selectRuns(runsSpec, await wb.api.listRuns());
    const ids = runs.map((r) => r.id);
    if (tableFormat) {
      const details = await Promise.all(ids.map((id) => wb.api.getRun(id)));
      writeFileSync(out!, formatTable(comparisonRows(details), tableFormat));
      process.stderr.write(`wrote ${out}: ${tableFormat} table of ${runs.length} runs\n`);
      return 0;
    }
    const server = await startBrowserServer(wb, join(__dirname, '..', 'renderer'));
    const browser = await launchHeadlessChromium();
    try {
      const page = await browser.newPage();
      const failures: string[] = [];
      page.on('pageerror', (e) => failures.push(e.message));
      await page.goto(server.url.replace('/?', '/figure.html?'));
      await page.waitForFunction(() => typeof window.retainlabRenderFigure === 'function', null, { timeout: 30_000 }).catch(() => {
        throw new Error(`the figure page did not start${failures.length ? `: ${failures.join('; ')}` : ''}`);
      });
      const param = text(args, 'param');
      if (kind && format && preset) {
        const svg = await renderFigure(page, { kind, runIds: ids, preset, format: 'svg', param });
        if (format === 'svg') writeFileSync(out!, svg);
        else if (format === 'pdf') writeFileSync(out!, await printSvgPdf(browser, svg, preset.widthIn, preset.heightIn));
        else writeFileSync(out!, Buffer.from(await renderFigure(page, { kind, runIds: ids, preset, format: 'png', param }), 'base64'));
        process.stderr.write(`wrote ${out}: ${kind} of ${runs.length} runs, ${format}, ${preset.widthIn} × ${preset.heightIn} in\n`);
        return 0;
      }
      const figures = [];
      for (const k of FIGURE_KINDS) {
        // A figure with nothing to draw for these runs (e.g. no α sweep) is left out of the bundle.
        const svg = await renderFigure(page, { kind: k, runIds: ids, preset: preset!, format: 'svg', param }).catch((err: Error) => (/Nothing to export/.test(err.message) ? null : Promise.reject(err)));
        if (svg) figures.push({ name: `${k}.svg`, content: svg, encoding: 'utf8' as const });
      }
      const zip = await wb.api.exportBundle(ids, figures);
      writeFileSync(bundle!, Buffer.from(zip.base64, 'base64'));
      process.stderr.write(`wrote ${bundle}: ${runs.length} runs, ${figures.length} figures, ${(zip.bytes / 1024).toFixed(1)} KB\n`);
      return 0;
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    await wb.close();
  }
}
