import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');

describe('wizard: the base model’s weight initialisation', () => {
  let session: BrowserSession;

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession();
  });

  afterAll(() => session?.close());

  it('chooses PyTorch’s initialisation with its help text, saves it in the study and launches a base model that records it', async () => {
    const { page, server, wb } = session;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    const select = page.getByTestId('base-init');
    await select.waitFor();
    await expect.poll(() => select.inputValue()).toBe('glorot');
    await select.selectOption('pytorch');
    await expect.poll(() => page.locator('label[for="base-init"] + select + small').textContent()).toMatch(/±1\/√fan-in, as nn\.Linear and nn\.Conv2d/);
    await page.getByTestId('pretrain-epochs').fill('1');
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-weight-init-base-step.png'), fullPage: true });
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('data-use-fraction').fill('0.1');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('method-toggle-wiseft').uncheck();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('budget-epochs').fill('1');
    await page.getByTestId('budget-seeds').fill('0');
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toContain('1 fine-tuning run');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('review-save').click()]);
    const savedPath = join(OUTPUT_DIR, 'e2e-weight-init-study.json');
    await download.saveAs(savedPath);
    expect(JSON.parse(readFileSync(savedPath, 'utf8')).baseModel.init).toBe('pytorch');

    await page.getByTestId('wizard-launch').click();
    await expect.poll(async () => (await wb.api.listBaseModels()).length, { timeout: 10_000 }).toBe(1);
    const [model] = await wb.api.listBaseModels();
    expect(model).toMatchObject({ init: 'pytorch', name: 'MLP on digits 0-9 (pytorch init)' });
    const runs = (await wb.api.listRuns()).items;
    const pretrain = await wb.api.getRun(runs.find((r) => r.kind === 'pretrain')!.id);
    expect((pretrain.config as { baseModel: { init: string } }).baseModel.init).toBe('pytorch');
    // The engine pretrains it from PyTorch's initialisation: it learns the digits well above chance (0.1).
    await expect.poll(async () => (await wb.api.listBaseModels())[0].status, { timeout: 180_000, interval: 500 }).toBe('ready');
    expect((await wb.api.listBaseModels())[0].aPre).toBeGreaterThan(0.3);

    // Back in the wizard, the stored base models say how each was initialised.
    await page.getByTestId('tab-new-study').click();
    await expect.poll(() => page.locator('table.data td', { hasText: 'pytorch' }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-weight-init-stored.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
