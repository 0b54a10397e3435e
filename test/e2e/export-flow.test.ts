import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIGURE_KINDS } from '../../src-shared/figure-options';
import type { Workbench } from '../../src-main/workbench';
import { tinyStudy } from '../main/helpers';
import { startBrowserSession, type BrowserSession } from './browser-session';
import { pdfFacts, pdfInkShare, pngSize, svgFacts } from './export-checks';

// Exported files and screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output', 'export');

describe('browser mode: select runs, compare, export every figure as SVG, PNG and PDF', () => {
  let session: BrowserSession;
  let wb: Workbench;
  let page: Page;

  beforeAll(async () => {
    rmSync(OUTPUT_DIR, { recursive: true, force: true });
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession(async (workbench) => {
      // Two seeds of vanilla and WiSE-FT at one learning rate, one vanilla run at another: seed groups,
      // α curves and a swept numeric parameter (budget.learningRate) for the trade-off figure.
      await workbench.api.launchStudy(
        tinyStudy({
          name: 'lr 1e-3',
          methods: [{ id: 'vanilla' }, { id: 'wiseft' }],
          budget: { epochs: 1, evalsPerEpoch: 2, seeds: [0, 1], learningRate: 1e-3 },
        }),
      );
      await workbench.api.launchStudy(
        tinyStudy({ name: 'lr 3e-3', methods: [{ id: 'vanilla' }], budget: { epochs: 1, evalsPerEpoch: 2, seeds: [0], learningRate: 3e-3 } }),
      );
      await workbench.host.whenIdle();
    });
    ({ wb, page } = session);
  });

  afterAll(() => session?.close());

  async function save(testid: string, name: string): Promise<string> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    const file = join(OUTPUT_DIR, name);
    await download.saveAs(file);
    return file;
  }

  it('exports each figure kind through the UI as files of the requested size with vector marks', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const runs = (await wb.api.listRuns()).items;
    const finetunes = runs.filter((r) => r.kind === 'finetune');
    expect(finetunes.map((r) => r.error ?? r.status)).toEqual(finetunes.map(() => 'completed'));

    await page.goto(session.server.url);
    await page.getByTestId('tab-runs').click();
    // Tag one run through its detail panel; the tag shows in its row and filters by tag.
    const tagged = finetunes.find((r) => r.methodId === 'wiseft')!;
    await page.getByTestId(`run-row-${tagged.id}`).click();
    await page.getByTestId(`tags-input-${tagged.id}`).fill('paper-fig2, alpha');
    await page.getByTestId(`note-input-${tagged.id}`).fill('best α around 0.5');
    await page.getByTestId(`annotations-save-${tagged.id}`).click();
    await expect.poll(() => page.getByTestId(`run-row-${tagged.id}`).getByTestId('run-tag').allTextContents()).toEqual(['alpha', 'paper-fig2']);
    await page.getByTestId('filter-tag').selectOption('paper-fig2');
    await expect.poll(() => page.locator('[data-testid^="run-row-"]').count()).toBe(1);
    await page.getByTestId('filter-tag').selectOption('');

    // A parameter search keeps the four lr=1e-3 runs; select them all at once.
    await page.getByTestId('runs-search').fill('learningRate<0.002');
    await expect.poll(() => page.locator('[data-testid^="run-select-"]').count()).toBe(4);
    await page.getByTestId('select-all-visible').check();
    // Seeds together: three experiments, mean ± std over two seeds where there are two; pick the unselected one.
    await page.getByTestId('runs-search').fill('');
    await page.getByTestId('runs-grouping').selectOption('seeds');
    // The rows fill in as the runs list reloads: on a loaded machine that takes longer than expect.poll's 1 s default.
    await expect.poll(() => page.getByTestId('seed-group-row').count(), { timeout: 20_000 }).toBe(3);
    await expect.poll(() => page.getByTestId('seed-group-row').filter({ hasText: '±' }).count(), { timeout: 20_000 }).toBe(2);
    await page.getByTestId('seed-group-row').filter({ hasText: '1 seed' }).getByTestId('seed-group-select').check();
    await page.screenshot({ path: join(OUTPUT_DIR, 'runs-seed-groups.png'), fullPage: true });
    await expect.poll(() => page.getByTestId('compare-button').textContent()).toContain('(5)');
    await page.getByTestId('compare-button').click();
    await page.getByTestId('plot-scatter').locator('.scatterlayer').waitFor();
    // Five runs, three experiments: the two-seed groups are one column each.
    await expect.poll(() => page.getByTestId('compare-table').locator('thead th.run-head').count()).toBe(3);
    await page.screenshot({ path: join(OUTPUT_DIR, 'compare.png'), fullPage: true });

    for (const kind of FIGURE_KINDS) {
      await expect.poll(() => page.getByTestId(`figure-empty-${kind}`).count(), { timeout: 5_000 }).toBe(0);
      const svg = await svgFacts(page, await save(`export-${kind}-svg`, `${kind}.svg`));
      expect(svg.parses, `${kind}.svg parses`).toBe(true);
      expect(svg.images, `${kind}.svg has no raster image`).toBe(0);
      expect(svg.vectorMarks).toBeGreaterThan(10);
      expect(svg.bytes).toBeLessThan(500 * 1024);
      expect(svg.width).toBe('3.25in');

      const png = pngSize(await save(`export-${kind}-png`, `${kind}.png`));
      // 3.25 in × 300 dpi = 975 px; the default single-column height is 2.93 in → 879 px.
      expect(png).toEqual({ width: 975, height: 879 });

      const pdfFile = await save(`export-${kind}-pdf`, `${kind}.pdf`);
      const pdf = pdfFacts(pdfFile);
      expect(pdf.pages).toBe(1);
      expect(pdf.widthPt).toBeCloseTo(3.25 * 72, 0);
      expect(Math.abs(pdf.heightPt - 2.93 * 72)).toBeLessThan(0.5);
      expect(pdf.images, `${kind}.pdf has no raster image`).toBe(0);
      expect(pdf.text.length, `${kind}.pdf keeps its text as text`).toBeGreaterThan(10);
      expect(pdfInkShare(pdfFile)).toBeGreaterThan(0.01);
    }
    expect(readFileSync(join(OUTPUT_DIR, 'scatter.svg'), 'utf8')).toContain('Pareto frontier');

    // A size that cannot hold the learning curves and their legend: no file, and the panel says what would hold it.
    await page.getByTestId('preset-height').fill('1');
    await page.getByTestId('export-curves-svg').click();
    await expect
      .poll(() => page.getByTestId('export-status-curves').innerText(), { timeout: 30_000 })
      .toMatch(/^At 3\.25 × 1 in at 8 pt this figure does not fit: .+; choose (a height of [\d.]+ in|the double-column size \(6\.75 × 2\.84 in\))/);
    // The double-column preset and another resolution: 6.75 × 2.84 in at 200 dpi → 1350 × 568 px.
    await page.getByTestId('preset-double').click();
    await page.getByTestId('preset-dpi').fill('200');
    expect(await page.getByTestId('preset-height').inputValue()).toBe('2.84');
    expect((await svgFacts(page, await save('export-scatter-svg', 'scatter-double.svg'))).width).toBe('6.75in');
    expect(pngSize(await save('export-scatter-png', 'scatter-double.png'))).toEqual({ width: 1350, height: 568 });
    const wide = pdfFacts(await save('export-scatter-pdf', 'scatter-double.pdf'));
    // Chromium sizes PDF pages to within half a point (204.48 pt asked, 204.96 given).
    expect(wide.widthPt).toBeCloseTo(6.75 * 72, 0);
    expect(Math.abs(wide.heightPt - 2.84 * 72)).toBeLessThan(0.5);
    expect(errors).toEqual([]);
  });
});
