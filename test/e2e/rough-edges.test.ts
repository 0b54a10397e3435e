import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/api';
import { blobCsv } from '../main/dataset-fixtures';
import { tinyStudy } from '../main/helpers';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');
/** One more fine-tuning run than the forgotten-samples gallery shows at once. */
const SEEDS = [0, 1, 2, 3, 4, 5, 6];

describe('browser mode: the rough edges a new user hits', () => {
  let session: BrowserSession;
  let page: Page;
  let finetunes: RunSummary[];
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession(async (wb) => {
      await wb.api.launchStudy(
        tinyStudy({ name: 'seven seeds', data: { useFraction: 0.08 }, methods: [{ id: 'vanilla' }], budget: { epochs: 1, evalsPerEpoch: 3, seeds: SEEDS } }),
      );
      await wb.host.whenIdle();
    });
    page = session.page;
    page.on('pageerror', (e) => errors.push(e.message));
    finetunes = (await session.wb.api.listRuns()).items.filter((r) => r.kind === 'finetune');
  });

  afterAll(() => session?.close());

  it('pages through the forgotten-samples galleries of more runs than one page holds, saying how many there are', async () => {
    expect(finetunes.map((r) => r.error ?? r.status)).toEqual(SEEDS.map(() => 'completed'));
    await page.goto(session.server.url);
    await page.getByTestId('tab-runs').click();
    for (const run of finetunes) await page.getByTestId(`run-select-${run.id}`).check();
    await page.getByTestId('compare-button').click();
    const section = page.getByTestId('forgotten-section');
    const shown = () => section.locator('.gallery').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testid));
    await expect.poll(() => section.locator('.gallery').count(), { timeout: 30_000 }).toBe(6);
    expect(await page.getByTestId('forgotten-range').textContent()).toBe('runs 1–6 of 7');
    // Centred, so the sticky paper-preset bar does not cover the section's heading.
    await page.getByTestId('forgotten-range').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-forgotten-pages.png') });
    const first = await shown();
    await page.getByTestId('forgotten-next').click();
    // The next page draws its gallery from the store: on a loaded 2-core CI machine that can take more than poll's 5 s default.
    await expect.poll(() => page.getByTestId('forgotten-range').textContent(), { timeout: 30_000 }).toBe('runs 7–7 of 7');
    const second = await shown();
    expect(second).toHaveLength(1);
    expect([...first, ...second].sort()).toEqual(finetunes.map((r) => `forgotten-${r.id}`).sort());
    expect(await page.getByTestId('forgotten-next').isDisabled()).toBe(true);
    await page.getByTestId('forgotten-previous').click();
    await expect.poll(() => section.locator('.gallery').count(), { timeout: 30_000 }).toBe(6);
    expect(errors).toEqual([]);
  });

  it("gives the run detail's training-loss axis round ticks", async () => {
    await page.getByTestId('tab-runs').click();
    await page.getByTestId(`run-row-${finetunes[0].id}`).click();
    const curve = page.getByTestId('learning-curve');
    await curve.locator('.y2tick').first().waitFor();
    const ticks = await curve.evaluate((el) => [...el.querySelectorAll('.y2tick text')].map((t) => Number(t.textContent!.replace('−', '-'))));
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-run-detail-loss-ticks.png'), fullPage: true });
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    const steps = ticks.slice(1).map((t, i) => t - ticks[i]);
    for (const step of steps) expect(step).toBeCloseTo(steps[0], 9);
    // A round step: 1, 2 or 5 times a power of ten (not the left axis's gridlines mapped onto the loss, 0.82, 1.64, …).
    const mantissa = steps[0] / 10 ** Math.floor(Math.log10(steps[0]) + 1e-9);
    expect(
      [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6),
      `ticks ${ticks.join(', ')}`,
    ).toBe(true);
  });

  it('resets the import panel once an import finished, offering another import', async () => {
    const csv = join(session.wb.dataDir, 'ten-features.csv');
    writeFileSync(csv, blobCsv(['calm', 'busy'], { perClass: 20, features: 10, seed: 3 }));
    await page.getByTestId('tab-datasets').click();
    await page.getByTestId('dataset-picker-files').setInputFiles(csv);
    await expect.poll(() => page.getByTestId('preview-facts').innerText(), { timeout: 20_000 }).toMatch(/10 numeric\s+features/);
    await page.getByTestId('import-name').fill('ten features');
    await page.getByTestId('import-button').click();
    await expect.poll(() => page.getByTestId('import-done').textContent(), { timeout: 20_000 }).toContain('Imported “ten features”: 40 samples');
    expect(await page.getByTestId('import-button').count()).toBe(0);
    expect(await page.getByTestId('import-panel').getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    await expect.poll(() => page.getByTestId('dataset-library').textContent()).toMatch(/ten features\s*tabular\s*40\s*10 features/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'datasets-import-finished.png'), fullPage: true });
    await page.getByTestId('import-another').click();
    await expect.poll(() => page.getByTestId('import-panel').count()).toBe(0);
  });

  it("names the MLP card's layers from the chosen pretrain data: 10-256-256 on a table of 10 features", async () => {
    await page.getByTestId('tab-new-study').click();
    await page.getByTestId('recipe-mlp').click();
    expect(await page.getByTestId('recipe-mlp').textContent()).toMatch(/MLP 784-256-256/);
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('task-dataset').click();
    const table = (await session.wb.api.listDatasets()).items.find((d) => d.name === 'ten features')!;
    await page.getByTestId('pretrain-dataset').selectOption(table.id);
    await page.getByTestId('wizard-back').click();
    await expect.poll(() => page.getByTestId('recipe-mlp').textContent()).toMatch(/MLP 10-256-256/);
    expect(await page.getByTestId('recipe-mlp').textContent()).toMatch(/10 inputs, ≈69k parameters before the head/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'wizard-mlp-card-table.png'), fullPage: true });
  });

  it('keeps the wizard on the Budget step while the seeds do not parse or the learning rate is out of range', async () => {
    // A fresh page: the wizard starts again from the default study.
    await page.goto(session.server.url);
    for (let step = 0; step < 3; step++) await page.getByTestId('wizard-next').click();
    const seeds = page.getByTestId('budget-seeds');
    await seeds.fill('0, 1, x');
    await expect.poll(() => page.getByTestId('wizard-blocked').textContent()).toBe('Seeds: “x” is not an integer');
    expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
    await page.getByRole('button', { name: /Review/ }).click();
    expect(await seeds.isVisible()).toBe(true);
    await page.screenshot({ path: join(OUTPUT_DIR, 'wizard-budget-invalid-seeds.png'), fullPage: true });
    await seeds.fill('0, 1, 2');
    await seeds.press('Tab');
    await expect.poll(() => page.getByTestId('wizard-next').isEnabled()).toBe(true);

    const rate = page.getByTestId('budget-learning-rate');
    await rate.fill('-1');
    await expect.poll(() => page.getByTestId('budget-learning-rate-problem').textContent()).toBe('must be more than 0');
    expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
    await rate.fill('0.003');
    await expect.poll(() => page.getByTestId('budget-learning-rate-problem').count()).toBe(0);
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('review-run-count').textContent(), { timeout: 20_000 }).toMatch(/× 3 seeds/);
    expect(await page.getByTestId('wizard-launch').isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });
});
