import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserServer } from '../../src-main/server/http-server';
import type { Workbench } from '../../src-main/workbench';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');

describe('browser mode end to end: wizard → live runs → comparison', () => {
  let session: BrowserSession;
  let wb: Workbench;
  let server: BrowserServer;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession();
    ({ wb, server, page } = session);
  });

  afterAll(() => session?.close());

  it('refuses API calls without the access token', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/listRuns`, { method: 'POST', body: '{"args":[]}' });
    expect(res.status).toBe(401);
    const ok = await fetch(`http://127.0.0.1:${server.port}/api/listRuns`, {
      method: 'POST',
      body: '{"args":[]}',
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(await ok.json()).toEqual({ ok: true, result: { items: [], total: 0, offset: 0 } });
  });

  it('goes through the wizard, watches a short study finish, and compares its runs on the scatter', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('wizard-next').waitFor();
    // Step 1: base model (the built-in MLP), a short pretraining.
    await page.getByTestId('recipe-mlp').click();
    await page.getByTestId('pretrain-epochs').fill('2');
    await page.getByTestId('wizard-next').click();
    // Step 2: data and target task, a small share of the digits to keep the test short.
    await page.getByTestId('task-rotate90').click();
    await page.getByTestId('data-use-fraction').fill('0.15');
    await page.getByTestId('wizard-next').click();
    // Step 3: methods: the defaults are vanilla and the WiSE-FT sweep.
    await expect.poll(() => page.getByTestId('method-toggle-vanilla').isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('method-toggle-wiseft').isChecked()).toBe(true);
    await page.getByTestId('wizard-next').click();
    // Step 4: budget.
    await page.getByTestId('budget-epochs').fill('1');
    await page.getByTestId('budget-seeds').fill('0');
    await page.getByTestId('wizard-next').click();
    // Step 5: review and launch.
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toContain('2');
    await page.getByTestId('wizard-launch').click();

    // Runs view: every run reaches 'completed' live (pretraining first, then both methods).
    await expect.poll(async () => (await wb.api.listRuns()).items.length, { timeout: 10_000 }).toBe(3);
    const runs = (await wb.api.listRuns()).items;
    for (const run of runs) {
      await expect.poll(() => page.getByTestId(`run-status-${run.id}`).textContent(), { timeout: 120_000, interval: 250 }).toBe('completed');
    }
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-runs.png'), fullPage: true });

    // Compare the two fine-tuning runs.
    const finetunes = runs.filter((r) => r.kind === 'finetune');
    for (const run of finetunes) await page.getByTestId(`run-select-${run.id}`).check();
    await page.getByTestId('compare-button').click();
    const scatter = page.getByTestId('plot-scatter');
    await scatter.locator('.scatterlayer').waitFor();
    // One marker per run in the per-method traces (the base model and α sweeps are separate traces).
    const perRun = await scatter.evaluate((el) => {
      const data = (el as unknown as { data: { name: string; mode: string; x: number[] }[] }).data;
      return data.filter((t) => t.mode === 'markers' && !t.name.startsWith('base model')).reduce((n, t) => n + t.x.length, 0);
    });
    expect(perRun).toBe(finetunes.length);
    await expect.poll(() => page.getByTestId('compare-table').isVisible()).toBe(true);
    // The gallery of forgotten pretrain samples draws one thumbnail per forgotten sample (up to its limit).
    const vanilla = finetunes.find((r) => r.methodId === 'vanilla')!;
    const forgotten = await wb.api.forgottenSamples(vanilla.id, 60);
    await expect.poll(() => page.getByTestId(`forgotten-${vanilla.id}`).locator('canvas').count()).toBe(forgotten.samples.length);
    expect(forgotten.samples.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-compare.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
