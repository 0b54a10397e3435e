import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { comparisonRows } from '../../src-shared/compare-rows';
import { formatTable, TABLE_FORMATS, type TableFormat } from '../../src-shared/export-tables';
import {
  FIGURE_FORMATS,
  FIGURE_KINDS,
  PAPER_FONTS,
  defaultHeightIn,
  paperPreset,
  presetIssues,
  type FigureFormat,
  type FigureKind,
  type FigurePageGlobals,
  type PaperPreset,
  type RenderFigure,
} from '../../src-shared/figure-options';
import { ValidationError } from '../../src-shared/validation';
import { dataDirFrom } from '../data-dir';
import { launchHeadlessChromium, printSvgPdf } from '../export/chromium-printer';
import { readOnlyWorkbench } from '../export/read-only-workbench';
import { selectRuns, selectTask } from '../export/select-runs';
import { startBrowserServer } from '../server/http-server';
import { allPages } from '../../src-shared/paging';
import { bundleFigureName, taskGroups } from '../../src-shared/task-groups';
import { headroomFileName, headroomTable } from '../../src-shared/verdict/headroom-tables';
import { headroomOfRuns } from '../../src-shared/verdict/verdict-runs';
import { VERSION } from '../version';
import { defineCommand, type Command, type OptionValues } from './command-line';

const EXPORT_OPTIONS = {
  runs: { type: 'string', placeholder: 'id,id,…|tag:NAME|all', help: 'the runs to export' },
  figure: { type: 'string', placeholder: FIGURE_KINDS.join('|'), help: 'write this figure (with --out)' },
  format: { type: 'string', placeholder: FIGURE_FORMATS.join('|'), help: "the figure's format (default svg)" },
  task: {
    type: 'string',
    placeholder: 'KEY',
    help: 'only the selected runs of this task (pretrain data → target, e.g. rotate90); a figure refuses runs of several and lists their keys',
  },
  table: {
    type: 'string',
    placeholder: TABLE_FORMATS.join('|'),
    help: 'write the comparison table in this format (with --out): latex is one column wide, latex-full a table* with every metric; runs with random rehearsal, the mix-cd oracle and mix-cd variants also get FILE-headroom.EXT',
  },
  bundle: { type: 'string', placeholder: 'FILE.zip', help: 'write a reproducibility bundle: configs, metrics, figures, versions' },
  out: { type: 'string', placeholder: 'FILE', help: 'where a figure or table goes' },
  width: { type: 'string', placeholder: 'IN', help: 'figure width in inches (default 3.25; 6.75 for double column)' },
  height: { type: 'string', placeholder: 'IN', help: 'figure height in inches (default: from the width)' },
  font: { type: 'string', placeholder: Object.keys(PAPER_FONTS).join('|'), help: 'figure font (default serif)' },
  'font-size': { type: 'string', placeholder: 'PT', help: 'figure font size in points (default 8)' },
  dpi: { type: 'string', placeholder: 'N', help: 'resolution of a PNG figure (default 300)' },
  seeds: { type: 'string', placeholder: 'mean|all', help: 'learning and α curves: the mean over seeds with a ±1 std band (default), or each seed too' },
  param: {
    type: 'string',
    placeholder: 'CONFIG.PATH',
    help: "the swept parameter the trade-off figure plots against (default: each sweep's first axis; runs of no sweep: the first that varies)",
  },
} as const;

type ExportValues = OptionValues<typeof EXPORT_OPTIONS>;

function number(values: ExportValues, key: 'width' | 'height' | 'font-size' | 'dpi', fallback: number): number {
  const v = values[key];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ValidationError(`--${key} must be a number, got '${v}'`, [`--${key}: not a number: '${v}'`]);
  return n;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new ValidationError(`--${flag} must be one of ${allowed.join(', ')}, got '${value}'`, [`--${flag}: '${value}' is not one of ${allowed.join(', ')}`]);
  return value as T;
}

/** The paper preset from --width, --height, --font, --font-size and --dpi, every field checked. */
function presetFromArgs(values: ExportValues): PaperPreset {
  const widthIn = number(values, 'width', paperPreset().widthIn);
  const preset: PaperPreset = {
    widthIn,
    heightIn: number(values, 'height', defaultHeightIn(widthIn)),
    font: oneOf(values.font ?? 'serif', Object.keys(PAPER_FONTS) as (keyof typeof PAPER_FONTS)[], 'font'),
    fontPt: number(values, 'font-size', 8),
    dpi: number(values, 'dpi', 300),
  };
  // A height the user did not pass follows the width: a bad width is the one thing to report.
  const issues = presetIssues(preset)
    .filter((i) => values.height !== undefined || !i.startsWith('heightIn:'))
    .map(
      (i) =>
        `--${{ widthIn: 'width', heightIn: 'height', fontPt: 'font-size', dpi: 'dpi', font: 'font' }[i.split(':')[0]] ?? i.split(':')[0]}:${i.split(':').slice(1).join(':')}`,
    );
  if (issues.length) throw new ValidationError(`bad figure size: ${issues.join('; ')}`, issues);
  return preset;
}

/** The figure page's FigureFitError as the CLI reports it: bad input (exit 2) whose message says what size holds the figure. */
class FigureFitRefusal extends ValidationError {}

async function renderFigure(page: Page, request: Parameters<RenderFigure>[0]): Promise<string> {
  return page
    .evaluate(async (req) => {
      const render = (window as FigurePageGlobals).retainlabRenderFigure;
      if (!render) throw new Error('the figure page did not load');
      return render(req);
    }, request)
    .catch((err: Error) => {
      // The page's message, without Playwright's wrapping and the page's stack.
      const message = /FigureFitError: ([^\n]+)/.exec(err.message)?.[1];
      throw message ? new FigureFitRefusal(message, ['--width, --height, --font-size: the figure does not fit']) : err;
    });
}

/**
 * `retainlab export`: figures through the app's own figure code in headless Chromium (the same
 * SVG as the UI; PDF printed by Chromium from that SVG, so vector), tables and bundles directly.
 */
async function exportCommand(values: ExportValues, dataDir: string): Promise<number> {
  const { runs: runsSpec, figure, table, bundle, out } = values;
  const chosen = [figure, table, bundle].filter((v) => v !== undefined).length;
  if (!runsSpec || chosen !== 1)
    throw new ValidationError(`export needs --runs and exactly one of --figure, --table, --bundle\n${EXPORT_COMMAND.help}`, [
      '--runs, --figure | --table | --bundle',
    ]);
  if ((figure || table) && !out) throw new ValidationError(`--out FILE is required with --${figure ? 'figure' : 'table'}`, ['--out: missing']);
  const kind = figure ? oneOf<FigureKind>(figure, FIGURE_KINDS, 'figure') : null;
  const format = kind ? oneOf<FigureFormat>(values.format ?? 'svg', FIGURE_FORMATS, 'format') : null;
  const tableFormat = table ? oneOf<TableFormat>(table, TABLE_FORMATS, 'table') : null;
  const preset = kind || bundle ? presetFromArgs(values) : null;
  const seeds = oneOf<'mean' | 'all'>(values.seeds ?? 'mean', ['mean', 'all'], 'seeds');

  const wb = readOnlyWorkbench(dataDir, { version: VERSION, mode: 'browser' });
  try {
    const runs = selectTask(
      selectRuns(
        runsSpec,
        await allPages(
          (page) => wb.api.listRuns(page),
          (item) => item.id,
        ),
      ),
      values.task,
      kind !== null,
    );
    const ids = runs.map((r) => r.id);
    if (tableFormat) {
      const details = await Promise.all(ids.map((id) => wb.api.getRun(id)));
      writeFileSync(out!, formatTable(comparisonRows(details), tableFormat));
      process.stderr.write(`wrote ${out}: ${tableFormat} table of ${runs.length} runs\n`);
      // The mix-cd headroom, when the runs have one, is a table of its own beside it.
      const headroom = headroomTable(headroomOfRuns(details), tableFormat);
      if (headroom) {
        writeFileSync(headroomFileName(out!), headroom);
        process.stderr.write(`wrote ${headroomFileName(out!)}: the mix-cd headroom\n`);
      }
      return 0;
    }
    const server = await startBrowserServer(wb, join(__dirname, '..', 'renderer'));
    const browser = await launchHeadlessChromium();
    try {
      const page = await browser.newPage();
      const failures: string[] = [];
      page.on('pageerror', (e) => failures.push(e.message));
      await page.goto(server.url.replace('/?', '/figure.html?'));
      await page
        .waitForFunction(() => typeof (window as FigurePageGlobals).retainlabRenderFigure === 'function', null, { timeout: 30_000 })
        .catch(() => {
          throw new Error(`the figure page did not start${failures.length ? `: ${failures.join('; ')}` : ''}`);
        });
      const param = values.param ?? null;
      if (kind && format && preset) {
        const svg = await renderFigure(page, { kind, runIds: ids, preset, format: 'svg', param, seeds });
        if (format === 'svg') writeFileSync(out!, svg);
        else if (format === 'pdf') writeFileSync(out!, await printSvgPdf(browser, svg, preset.widthIn, preset.heightIn));
        else writeFileSync(out!, Buffer.from(await renderFigure(page, { kind, runIds: ids, preset, format: 'png', param, seeds }), 'base64'));
        process.stderr.write(`wrote ${out}: ${kind} of ${runs.length} runs, ${format}, ${preset.widthIn} × ${preset.heightIn} in\n`);
        return 0;
      }
      const figures = [];
      // Runs of several tasks get one set of figures per task: no figure mixes tasks.
      const groups = taskGroups(runs);
      for (const [g, group] of groups.entries()) {
        for (const k of FIGURE_KINDS) {
          // A figure with nothing to draw for these runs (e.g. no α sweep) is left out of the bundle.
          const runIds = group.runs.map((r) => r.id);
          // One that does not fit the size is left out too, saying why (the figure alone, with --figure, shows a size that holds it).
          const svg = await renderFigure(page, { kind: k, runIds, preset: preset!, format: 'svg', param, seeds, advice: false }).catch((err: Error) => {
            if (err instanceof FigureFitRefusal) process.stderr.write(`left out ${k}: ${err.message}\n`);
            return /Nothing to export/.test(err.message) || err instanceof FigureFitRefusal ? null : Promise.reject(err);
          });
          if (svg) figures.push({ name: bundleFigureName(k, g, groups.length), content: svg, encoding: 'utf8' as const });
        }
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

/** `retainlab export`: with no arguments at all it shows its help (and exits 2: nothing was exported). */
export const EXPORT_COMMAND: Command = defineCommand(
  {
    name: 'export',
    summary: 'figures, tables and reproducibility bundles for papers: --runs and one of --figure (with --out), --table (with --out), --bundle',
    options: EXPORT_OPTIONS,
  },
  ({ values }) => {
    if (Object.values(values).every((v) => v === undefined)) {
      process.stdout.write(`${EXPORT_COMMAND.help}\n`);
      return 2;
    }
    return exportCommand(values, dataDirFrom(values['data-dir']));
  },
);
