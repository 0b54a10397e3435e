import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printSvgPdf } from '../../src-main/export/chromium-printer';
import { startBrowserServer, type BrowserServer } from '../../src-main/server/http-server';
import { forkLauncher } from '../../src-main/services/fork-launcher';
import { createWorkbench, type Workbench } from '../../src-main/workbench';
import { FIGURE_KINDS, paperPreset, type FigureKind, type FigurePageGlobals, type PaperPreset, type RenderFigure } from '../../src-shared/figure-options';
import { ENGINE_PATH, tempDataDir, tinyStudy } from '../main/helpers';
import { launchChromium } from './browser';
import { pdfInkShare, pngSize } from './export-checks';
import { marksUnderLegend, pdfFonts, pdfWords, svgLayout, textLayoutProblems } from './figure-layout-checks';

const RENDERER_DIR = join(__dirname, '..', '..', 'out', 'renderer');
const FIXTURES = join(__dirname, '..', 'fixtures', 'figures');
// Every exported file lands here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output', 'figure-layout');

/** The presets every figure kind is exported at: the two column widths and a custom size in the other font. */
const PRESETS: Record<string, PaperPreset> = {
  single: paperPreset(3.25),
  double: paperPreset(6.75),
  custom: { widthIn: 4.5, heightIn: 3.2, font: 'sans', fontPt: 9, dpi: 150 },
};
/** The one family each preset's font must be embedded as (pdffonts names it without its subset prefix and style). */
const FAMILY = { serif: 'STIXTwoText', sans: 'NotoSans' } as const;

/** Everything wrong with an exported SVG and the PDF printed from it, as lines a person can read. */
async function layoutProblems(page: Page, svg: string, pdfFile: string, preset: PaperPreset): Promise<string[]> {
  const drawn = await svgLayout(page, svg);
  const problems = textLayoutProblems(drawn.texts, drawn.width, drawn.height).map((p) => `SVG: ${p}`);
  const covered = marksUnderLegend(drawn);
  if (covered.length) problems.push(`SVG: the legend covers ${covered.length} data marks`);
  const words = pdfWords(pdfFile);
  problems.push(...textLayoutProblems(words.words, words.width, words.height).map((p) => `PDF: ${p}`));
  const families = new Set(pdfFonts(pdfFile).map((f) => f.name.replace(/-.*$/, '')));
  if (families.size !== 1 || !families.has(FAMILY[preset.font]))
    problems.push(`PDF: fonts ${[...families].join(', ')} instead of ${FAMILY[preset.font]} alone`);
  if (pdfFonts(pdfFile).some((f) => !f.embedded)) problems.push('PDF: a font is not embedded');
  return problems;
}

describe('paper figures lay out inside their page at every preset', () => {
  let data: ReturnType<typeof tempDataDir>;
  let wb: Workbench;
  let server: BrowserServer;
  let browser: Browser;
  let figurePage: Page;
  let checkPage: Page;
  let runIds: string[];

  beforeAll(async () => {
    rmSync(OUTPUT_DIR, { recursive: true, force: true });
    mkdirSync(OUTPUT_DIR, { recursive: true });
    data = tempDataDir();
    wb = createWorkbench({ dataDir: data.dir, launcher: forkLauncher(ENGINE_PATH), mode: 'browser', version: 'e2e' });
    // The study (vanilla, LoRA, WiSE-FT, rehearsal, L2-SP, two seeds), and a sweep of vanilla over two learning rates for
    // the trade-off and parallel-coordinates figures (the first study's runs are their reference points).
    await wb.api.launchStudy(
      tinyStudy({
        name: 'five methods',
        methods: [{ id: 'vanilla' }, { id: 'lora' }, { id: 'wiseft' }, { id: 'rehearsal' }, { id: 'l2-sp' }],
        budget: { epochs: 1, evalsPerEpoch: 2, seeds: [0, 1], learningRate: 1e-3 },
      }),
    );
    await wb.api.launchStudy(
      tinyStudy({ name: 'lr sweep', methods: [{ id: 'vanilla' }], budget: { epochs: 1, evalsPerEpoch: 2, seeds: [0], learningRate: [1e-3, 3e-3] } }),
    );
    await wb.host.whenIdle();
    runIds = (await wb.api.listRuns()).items.filter((r) => r.kind === 'finetune' && r.status === 'completed').map((r) => r.id);
    server = await startBrowserServer(wb, RENDERER_DIR);
    browser = await launchChromium();
    figurePage = await browser.newPage();
    await figurePage.goto(server.url.replace('/?', '/figure.html?'));
    await figurePage.waitForFunction(() => typeof (window as FigurePageGlobals).retainlabRenderFigure === 'function');
    checkPage = await browser.newPage();
  }, 600_000);

  // The refusals, printed at the end for the record (which figure needs which size).
  const refusals: string[] = [];

  afterAll(async () => {
    console.info(`refused at their preset, exported at the advised size:\n${refusals.join('\n') || '(none)'}`);
    await browser?.close();
    await server?.close();
    wb?.close();
    data?.remove();
  });

  /** Renders through the figure page exactly as `retainlab export` does; a figure that does not fit comes back as its message. */
  const render = (request: Omit<Parameters<RenderFigure>[0], 'runIds' | 'param'>): Promise<string | { refused: string }> =>
    figurePage
      .evaluate((req) => window.retainlabRenderFigure!(req), { ...request, runIds, param: null })
      .catch((err: Error) => ({ refused: err.message.replace(/^[\s\S]*?FigureFitError: /, '') }));

  it('trained every run the figures draw', () => {
    expect(runIds).toHaveLength(12);
  });

  for (const [presetName, preset] of Object.entries(PRESETS)) {
    for (const kind of FIGURE_KINDS) {
      it(`${kind} at ${presetName} (${preset.widthIn} × ${preset.heightIn} in, ${preset.font} ${preset.fontPt} pt): SVG, PDF and PNG, or a refusal that says what fits`, async () => {
        let size = preset;
        let svg = await render({ kind: kind as FigureKind, preset: size, format: 'svg' });
        if (typeof svg !== 'string') {
          // A refusal names what would hold the figure; the first thing it names must then hold it.
          expect(svg.refused, 'a refusal says what to change').toMatch(/does not fit: .+; choose /);
          const height = /choose a height of ([\d.]+) in/.exec(svg.refused);
          const double = /the double-column size \(([\d.]+) × ([\d.]+) in\)/.exec(svg.refused);
          const font = /choose a font of (\d+) pt/.exec(svg.refused);
          expect(height ?? double ?? font, svg.refused).not.toBeNull();
          size = height
            ? { ...preset, heightIn: Number(height[1]) }
            : double
              ? { ...preset, widthIn: Number(double[1]), heightIn: Number(double[2]) }
              : { ...preset, fontPt: Number(font![1]) };
          refusals.push(`${kind} at ${presetName}: ${svg.refused}`);
          svg = await render({ kind: kind as FigureKind, preset: size, format: 'svg' });
          expect(typeof svg, `at the advised size: ${JSON.stringify(svg)}`).toBe('string');
        }
        const name = `${kind}-${presetName}`;
        writeFileSync(join(OUTPUT_DIR, `${name}.svg`), svg as string);
        const pdfFile = join(OUTPUT_DIR, `${name}.pdf`);
        writeFileSync(pdfFile, await printSvgPdf(browser, svg as string, size.widthIn, size.heightIn));
        expect(await layoutProblems(checkPage, svg as string, pdfFile, size)).toEqual([]);
        expect(pdfInkShare(pdfFile)).toBeGreaterThan(0.01);

        const png = await render({ kind: kind as FigureKind, preset: size, format: 'png' });
        expect(typeof png).toBe('string');
        const pngFile = join(OUTPUT_DIR, `${name}.png`);
        writeFileSync(pngFile, Buffer.from(png as string, 'base64'));
        expect(pngSize(pngFile)).toEqual({ width: Math.round(size.widthIn * size.dpi), height: Math.round(size.heightIn * size.dpi) });
      }, 120_000);
    }
  }

  it('finds the faults of the default single-column scatter export as it was before (the bug, kept as a fixture)', async () => {
    const svg = readFileSync(join(FIXTURES, 'scatter-single-column-clipped.svg'), 'utf8');
    const problems = await layoutProblems(checkPage, svg, join(FIXTURES, 'scatter-single-column-clipped.pdf'), PRESETS.single);
    expect(problems.some((p) => /^SVG: the legend covers \d+ data marks$/.test(p))).toBe(true);
    expect(problems.some((p) => /^PDF: fonts .*DejaVuSerif/.test(p))).toBe(true);
  });
});
