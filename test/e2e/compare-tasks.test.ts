import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyStudy } from '../main/helpers';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');

describe('browser mode: the Compare view never draws runs of two tasks on one figure', () => {
  let session: BrowserSession;

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession(async (workbench) => {
      // Two targets on one base model (the permuted digits reuse the rotated digits' pretraining): one run each.
      for (const task of ['rotate90', 'permuted'] as const) {
        await workbench.api.launchStudy(
          tinyStudy({ name: task, data: { useFraction: 0.08 }, target: { task }, budget: { epochs: 1, evalsPerEpoch: 1, seeds: [0] } }),
        );
        await workbench.host.whenIdle();
      }
    });
  });

  afterAll(() => session?.close());

  it('splits the selection into one panel of figures per pretrain/target pair and gives each task its own metrics table', { timeout: 300_000 }, async () => {
    const { page, server } = session;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('tab-runs').click();
    await expect.poll(() => page.locator('[data-testid^="run-select-"]').count()).toBe(2);
    await page.getByTestId('select-all-visible').check();
    await page.getByTestId('compare-button').click();

    await expect.poll(() => page.getByTestId('task-group').count()).toBe(2);
    expect(await page.getByTestId('task-group-title').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^digits 0-9 → Rotated digits\s+1 run$/), expect.stringMatching(/^digits 0-9 → Permuted pixels\s+1 run$/)]),
    );
    // Each panel's scatter holds its own run only: the base model and one experiment.
    const groups = page.getByTestId('task-group');
    for (const i of [0, 1]) {
      const plot = groups.nth(i).getByTestId('plot-scatter');
      await plot.locator('.scatterlayer').waitFor();
      const names = await plot.evaluate((el) => (el as unknown as { data: { name: string }[] }).data.map((t) => t.name));
      expect(names.filter((n) => n.startsWith('Vanilla'))).toEqual(['Vanilla fine-tuning']);
    }
    // One metrics table per task (the best of a column is judged within a task), each headed by its task.
    expect(await page.getByTestId('task-table-title').allTextContents()).toEqual(
      expect.arrayContaining(['digits 0-9 → Rotated digits', 'digits 0-9 → Permuted pixels']),
    );
    const tables = page.getByTestId('compare-table');
    await expect.poll(() => tables.count()).toBe(2);
    for (const i of [0, 1]) expect(await tables.nth(i).locator('thead th.run-head').count()).toBe(1);
    await page.screenshot({ path: join(OUTPUT_DIR, 'compare-tasks.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
