import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');

describe('wizard: a LoRA rank sweep built, saved, opened again, launched and cloned', () => {
  let session: BrowserSession;

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession();
  });

  afterAll(() => session?.close());

  it('sweeps LoRA rank 1/4/16 next to vanilla, shows the grid, saves and reopens the study, launches it and clones it', async () => {
    const { page, server, wb } = session;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('pretrain-epochs').fill('1');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('data-use-fraction').fill('0.1');
    await page.getByTestId('wizard-next').click();

    // Methods: vanilla and LoRA with its rank swept over 1, 4, 16.
    await page.getByTestId('method-toggle-wiseft').uncheck();
    await page.getByTestId('method-toggle-lora').check();
    await page.getByTestId('param-lora-rank-mode').selectOption('values');
    await page.getByTestId('param-lora-rank-values').fill('1, 4, 16');
    await page.getByTestId('param-lora-rank-values').press('Enter');
    await expect.poll(() => page.getByTestId('param-lora-rank-gives').textContent()).toContain('3 values');
    // A range shows what it gives before it is kept: 1 … 64 in 4 log steps.
    await page.getByTestId('param-lora-alpha-mode').selectOption('range');
    await page.getByTestId('param-lora-alpha-from').fill('1');
    await page.getByTestId('param-lora-alpha-to').fill('64');
    await page.getByTestId('param-lora-alpha-steps').fill('4');
    await page.getByTestId('param-lora-alpha-scale').selectOption('log');
    await expect.poll(() => page.getByTestId('param-lora-alpha-gives').textContent()).toBe('4 values: 1, 4, 16, 64');
    await page.getByTestId('method-entry-lora').screenshot({ path: join(OUTPUT_DIR, 'e2e-wizard-sweep-card.png') });
    await page.getByTestId('param-lora-alpha-mode').selectOption('fixed');
    // The same method again with other settings: a second LoRA entry, then removed.
    await page.getByTestId('method-add-lora').click();
    await page.getByTestId('param-lora#2-rank-mode').selectOption('fixed');
    await expect.poll(() => page.getByTestId('method-remove-lora#2').isVisible()).toBe(true);
    await page.getByTestId('method-remove-lora#2').click();
    await expect.poll(() => page.getByTestId('method-entry-lora#2').count()).toBe(0);
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('budget-epochs').fill('1');
    await page.getByTestId('budget-seeds').fill('0');
    await page.getByTestId('wizard-next').click();

    // Review: 3 LoRA points + vanilla, one seed each, and the grid of the sweep.
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toContain('4 fine-tuning runs');
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toContain('4 settings of 2 methods × 1 seed');
    const loraGrid = page.getByTestId('review-grid').locator('[data-testid^="review-grid-methods."]', { hasText: 'LoRA' });
    await expect.poll(() => loraGrid.innerText()).toMatch(/3 points × 1 seed = 3 runs, sweeping rank/);
    expect(await loraGrid.locator('tbody td').allTextContents()).toEqual(['1', '4', '16']);
    expect(await page.getByTestId('review-confirm').count()).toBe(0);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-wizard-sweep-review.png'), fullPage: true });

    // Saved as JSON: the config the wizard would launch.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('review-save').click()]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const savedPath = join(OUTPUT_DIR, 'e2e-wizard-sweep-study.json');
    await download.saveAs(savedPath);
    const saved = JSON.parse(readFileSync(savedPath, 'utf8'));
    expect(saved.methods.map((m: { id: string }) => m.id)).toEqual(['vanilla', 'lora']);
    expect(saved.methods[1].params.rank).toEqual({ values: [1, 4, 16] });
    expect(saved.budget).toMatchObject({ epochs: 1, seeds: [0] });
    expect(saved.data.useFraction).toBe(0.1);

    // A fresh page opens it again: a bad file first says which field is wrong, then the saved one fills every step.
    await page.reload();
    await page.getByTestId('wizard-open-file').setInputFiles({
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ methods: [{ id: 'lora' }], budget: { epochs: 0 } })),
    });
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/bad\.json is no study.*budget\.epochs: /);
    await page.getByTestId('wizard-open-file').setInputFiles(savedPath);
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    await expect.poll(() => page.getByTestId('pretrain-epochs').inputValue()).toBe('1');
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('data-use-fraction').inputValue()).toBe('0.1');
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('param-lora-rank-values').inputValue()).toBe('1, 4, 16');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toContain('4 fine-tuning runs');
    await page.getByTestId('wizard-launch').click();

    // Every run of the sweep is tagged with its point; all complete.
    await expect.poll(async () => (await wb.api.listRuns()).items.length, { timeout: 10_000 }).toBe(5);
    const runs = (await wb.api.listRuns()).items;
    const lora = await Promise.all(runs.filter((r) => r.methodId === 'lora').map((r) => wb.api.getRun(r.id)));
    const points = lora.map((r) => (r.config as { sweep?: { id: string; point: Record<string, unknown> } } | null)?.sweep?.point['method.params.rank']);
    expect(points.sort((a, b) => Number(a) - Number(b))).toEqual([1, 4, 16]);
    for (const run of runs) {
      await expect.poll(() => page.getByTestId(`run-status-${run.id}`).textContent(), { timeout: 180_000, interval: 500 }).toBe('completed');
    }

    // The page remembers: the Runs view comes back from the URL after a reload.
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/runs/);
    await page.reload();
    await expect.poll(() => page.getByTestId(`run-status-${runs[0].id}`).textContent()).toBe('completed');
    // A filter on a metric keeps the runs that hold more than half their pretrain accuracy, and only those.
    const finished = (await wb.api.listRuns()).items.filter((r) => r.kind === 'finetune');
    const kept = finished.filter((r) => (r.headline?.retention ?? 0) > 0.5);
    await page.getByTestId('runs-search').fill('retention>0.5');
    await expect.poll(() => page.locator('[data-testid^="run-select-"]').count()).toBe(kept.length);
    await expect.poll(() => page.getByTestId('runs-search-error').count()).toBe(0);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-wizard-sweep-filtered.png'), fullPage: true });
    await page.getByTestId('runs-search').fill('');

    // The sweep and the vanilla run selected together: LoRA's curve over its rank, vanilla as a reference point.
    await expect.poll(() => page.locator('[data-testid^="run-select-"]').count()).toBe(finished.length);
    // Each run of the sweep says its point beside its method.
    expect((await page.getByTestId('run-point').allTextContents()).sort()).toEqual(['rank=1', 'rank=16', 'rank=4']);
    for (const run of finished) await page.getByTestId(`run-select-${run.id}`).check();
    await page.getByTestId('compare-button').click();
    const tradeoff = page.getByTestId('plot-tradeoff');
    await tradeoff.locator('.scatterlayer').waitFor();
    type Drawn = { name: string; mode?: string; text?: string[] }[];
    const curves = await tradeoff.evaluate((el) => (el as unknown as { data: Drawn }).data.map((t) => ({ name: t.name, mode: t.mode, text: t.text })));
    expect(curves.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'LoRA, rank as marked', mode: 'text+lines+markers', text: ['1', '4', '16'] },
      { name: 'Vanilla fine-tuning', mode: 'markers', text: [''] },
    ]);
    await tradeoff.screenshot({ path: join(OUTPUT_DIR, 'e2e-wizard-sweep-tradeoff.png') });
    await page.getByTestId('tab-runs').click();

    // Cloned from the Runs view into the wizard: the same study under a new name.
    const studyId = runs[0].studyId!;
    await page.getByTestId(`study-clone-${studyId}`).click();
    await expect.poll(() => page.getByTestId('wizard-next').isVisible()).toBe(true);
    for (let i = 0; i < 4; i++) await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('study-name').inputValue()).toMatch(/\(copy\)$/);
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toContain('4 fine-tuning runs');
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-wizard-sweep-clone.png') });
    expect(errors).toEqual([]);
  });

  it('opens a dropped study file and asks to confirm a grid over the limit before it launches', async () => {
    const { page } = session;
    const big = { name: 'Big rank sweep', methods: [{ id: 'lora', params: { rank: { from: 1, to: 120, steps: 120 } } }], budget: { seeds: [0] } };
    // Dropped on the wizard this time.
    const dropped = await page.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'big.json', { type: 'application/json' }));
      return transfer;
    }, JSON.stringify(big));
    await page.getByRole('region', { name: 'New study' }).dispatchEvent('drop', { dataTransfer: dropped });
    await expect.poll(() => page.getByTestId('pretrain-epochs').isVisible()).toBe(true);
    for (let i = 0; i < 3; i++) await page.getByTestId('wizard-next').click();
    // The learning rate swept too, over a decade on a log scale: every rank runs at each of its 3 values.
    await page.getByTestId('budget-learning-rate-mode').selectOption('range');
    await expect.poll(() => page.getByTestId('budget-learning-rate-gives').textContent()).toBe('3 values: 0.001, 0.003162, 0.01');
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-wizard-sweep-budget.png') });
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toContain('360 fine-tuning runs');
    await expect.poll(() => page.getByTestId('review-confirm').textContent()).toMatch(/360 fine-tuning runs, more than the 100/);
    expect(await page.getByTestId('wizard-launch').isDisabled()).toBe(true);
    await page.getByTestId('review-confirm-runs').check();
    await expect.poll(() => page.getByTestId('wizard-launch').isDisabled()).toBe(false);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-wizard-sweep-confirm.png') });
  });

  it('keeps the order of an opened study and its swept switch, and sweeps a switch both ways from the card', async () => {
    const { page } = session;
    const file = {
      name: 'Full rank next to LoRA',
      methods: [{ id: 'lora', params: { rank: [1, 4], full: [false, true] } }, { id: 'vanilla' }, { id: 'lora', params: { rank: 2 } }],
      budget: { epochs: 1, seeds: [0] },
    };
    await page.getByTestId('wizard-open-file').setInputFiles({ name: 'full.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    await expect.poll(() => page.getByTestId('pretrain-epochs').isVisible()).toBe(true);
    for (let i = 0; i < 2; i++) await page.getByTestId('wizard-next').click();

    // The file's switch sweep is shown as one, not as a ticked box.
    await expect.poll(() => page.getByTestId('param-lora-full-mode').inputValue()).toBe('values');
    expect(await page.getByTestId('param-lora-full').count()).toBe(0);
    expect(await page.getByTestId('param-lora-full-gives').textContent()).toBe('2 values: false, true, one run each per seed');
    // The second LoRA's switch is fixed (off) until swept both ways from the card.
    expect(await page.getByTestId('param-lora#2-full').isChecked()).toBe(false);
    await page.getByTestId('param-lora#2-full-mode').selectOption('values');
    await expect.poll(() => page.getByTestId('param-lora#2-full-gives').textContent()).toBe('2 values: false, true, one run each per seed');
    await page.getByTestId('method-entry-lora').screenshot({ path: join(OUTPUT_DIR, 'e2e-wizard-sweep-switch.png') });
    await page.getByTestId('param-lora#2-full-mode').selectOption('fixed');
    await expect.poll(() => page.getByTestId('param-lora#2-full').isChecked()).toBe(false);
    for (let i = 0; i < 2; i++) await page.getByTestId('wizard-next').click();

    // Review: the methods in the file's order (so the sweeps keep their ids), the switch still swept.
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toContain('6 fine-tuning runs');
    const config = JSON.parse((await page.getByTestId('review-json').textContent()) ?? '');
    expect(config.methods.map((m: { id: string }) => m.id)).toEqual(['lora', 'vanilla', 'lora']);
    expect(config.methods[0].params).toMatchObject({ rank: { values: [1, 4] }, full: { values: [false, true] } });
    expect(config.methods[2].params).toMatchObject({ rank: 2, full: false });
    await expect.poll(() => page.getByTestId('review-grid-methods.0').innerText()).toMatch(/4 points × 1 seed = 4 runs, sweeping rank, full/);
  });

  it('clones a study from a page opened on the Runs view once the catalog it waits for has loaded', async () => {
    const { page, server, wb } = session;
    const studyId = (await wb.api.listRuns()).items.find((r) => r.studyId)!.studyId!;
    // The catalog answers only after the clone was asked for.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/catalog', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${server.url}#/runs`);
    await page.reload();
    await page.getByTestId(`study-clone-${studyId}`).click();
    release();
    await expect.poll(() => page.getByTestId('wizard-next').isVisible()).toBe(true);
    for (let i = 0; i < 4; i++) await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('study-name').inputValue()).toMatch(/\(copy\)$/);
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toContain('4 fine-tuning runs');
    await page.unroute('**/api/catalog');
  });
});
