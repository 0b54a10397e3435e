import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');

describe('wizard: methods combined in one run, and the method-specific numbers of a run', () => {
  let session: BrowserSession;

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession();
  });

  afterAll(() => session?.close());

  it('launches LoRA combined with rehearsal as one run and shows its rehearsal efficiency over the run', async () => {
    const { page, server, wb } = session;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('pretrain-epochs').fill('2');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('data-use-fraction').fill('0.15');
    await page.getByTestId('wizard-next').click();
    // Methods: keep vanilla, drop the WiSE-FT sweep, add LoRA combined with random rehearsal.
    await page.getByTestId('method-toggle-wiseft').uncheck();
    await page.getByTestId('method-toggle-lora').check();
    await page.getByTestId('combine-lora-rehearsal').check();
    await page.getByTestId('param-lora+rehearsal-memoryBatch').fill('8');
    // An element screenshot: a full-page one resizes the viewport and leaves Chromium's scroll position to jump on the next click.
    await page
      .getByTestId('combine-lora-rehearsal')
      .locator('xpath=ancestor::div[contains(@class, "method")][1]')
      .screenshot({ path: join(OUTPUT_DIR, 'e2e-method-combos.png') });
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('budget-epochs').fill('1');
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toContain('2 fine-tuning runs');
    const sent = JSON.parse((await page.getByTestId('review-json').textContent()) ?? '{}');
    expect(sent.methods.find((m: { id: string }) => m.id === 'lora').with).toEqual([{ id: 'rehearsal', params: expect.objectContaining({ memoryBatch: 8 }) }]);
    await page.getByTestId('wizard-launch').click();

    await expect.poll(async () => (await wb.api.listRuns()).items.length, { timeout: 10_000 }).toBe(3);
    const combined = (await wb.api.listRuns()).items.find((r) => r.methodId === 'lora')!;
    expect(combined.methodLabel).toMatch(/LoRA.* \+ Random rehearsal/);
    await expect.poll(() => page.getByTestId(`run-status-${combined.id}`).textContent(), { timeout: 120_000, interval: 250 }).toBe('completed');
    await page.getByTestId(`run-row-${combined.id}`).click();
    await page.getByTestId('method-extras-curve').locator('.scatterlayer').first().waitFor();
    const curves = await page.getByTestId('method-extras-curve').evaluate((el) => (el as unknown as { data: { name: string }[] }).data.map((t) => t.name));
    expect(curves).toContain('rehearsalEfficiency');
    await page.getByTestId('run-log').locator('summary').click();
    await expect.poll(() => page.getByTestId('run-log').textContent()).toMatch(/backend: wasm/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-run-extras.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
