import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeZip } from '../../src-main/export/write-zip';
import { mobileNetV2, saveModel } from '../main/keras-graphs';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');
const GOLDEN = join(__dirname, '..', 'fixtures', 'golden', 'hf');

/**
 * Drops a folder (or file) of this machine on the page at the middle of `target`, as a person dragging it from
 * a file manager does: Chromium's own drag input with the folder's path, so the page reads it through
 * webkitGetAsEntry like a real drop (a DataTransfer made in the page cannot hold a folder).
 */
async function dropPath(page: Page, path: string, target: string): Promise<void> {
  const box = (await page.locator(target).first().boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: [path], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
  await cdp.detach();
}

describe('browser mode end to end: a Hugging Face checkpoint dropped on the window', () => {
  let session: BrowserSession;
  let page: Page;
  let scratch: string;
  const errors: string[] = [];

  /** A copy of a golden checkpoint under another folder name, without the files named in `leaveOut`. */
  function copyOf(model: string, name: string, leaveOut: string[] = []): string {
    const folder = join(scratch, name);
    cpSync(join(GOLDEN, model), folder, { recursive: true });
    for (const file of leaveOut) rmSync(join(folder, file));
    return folder;
  }

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    scratch = mkdtempSync(join(tmpdir(), 'retainlab-hf-drop-'));
    session = await startBrowserSession();
    page = session.page;
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(session.server.url);
    await page.getByTestId('tab-datasets').click();
    await page.getByTestId('dataset-library').waitFor();
  });

  afterAll(async () => {
    await session?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  // Screenshots of the viewport: what a person sees after the drop (the view scrolls to the base models).
  it('imports a GPT-2 folder dropped anywhere on the window and shows its kind, layer table and tokenizer', async () => {
    await dropPath(page, copyOf('gpt2-tiny', 'gpt2-tiny'), 'h2');
    await expect.poll(() => page.getByTestId('model-list').textContent(), { timeout: 30_000 }).toMatch(/gpt2-tiny\s*Hugging Face GPT-2 checkpoint/);
    const [model] = await session.wb.api.listImportedModels();
    expect(model).toMatchObject({ name: 'gpt2-tiny', format: 'huggingface', family: 'gpt2' });
    // Nothing went to the dataset import.
    expect(await page.getByTestId('import-panel').count()).toBe(0);
    expect(await page.getByTestId('model-list').textContent()).toMatch(/context 32 tokens · next-token head over 97 tokens · [\d,]+ parameters/);
    const tokenizer = (await page.getByTestId(`tokenizer-${model.id}`).textContent())!.replace(/\s+/g, ' ');
    expect(tokenizer).toMatch(/Tokenizer BPE from tokenizer\.json vocabulary 97 tokens pad id \d+ special tokens: <\|endoftext\|>/);
    const layers = page.getByTestId(`layers-${model.id}`);
    expect(await layers.textContent()).toMatch(/block1\/attn\/q\s*Conv1D\s*\[32, 16\]\s*[\d,]+\s*yes\s*backbone\s*adaptable/);
    expect(await layers.locator('tbody tr').last().textContent()).toMatch(/head\s*LM head \(tied to embed\/tokens\)\s*\[32, 97\]\s*0\s*yes\s*head/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-hf-drop-gpt2.png') });
    expect(errors).toEqual([]);
  });

  it('runs a study of the dropped GPT-2 with a generality suite of two sets and compares retention per set', async () => {
    const [model] = await session.wb.api.listImportedModels();
    await page.getByTestId('tab-new-study').click();
    await page.getByTestId('imported-gpt2-tiny').click();
    await expect.poll(() => page.getByTestId('imported-hint').textContent()).toMatch(/read with its own BPE tokenizer \(97 tokens\).*held-out Moby Dick/s);
    await page.getByTestId('wizard-next').click();
    // Only the language-model text tasks fit a GPT-2 checkpoint.
    expect(await page.getByTestId('task-dataset').count()).toBe(0);
    expect(await page.getByTestId('task-spam-later').count()).toBe(0);
    await page.getByTestId('task-sotu-late').click();
    await page.getByTestId('data-train-sequences').fill('32');
    await page.getByTestId('data-eval-sequences').fill('16');
    await page.getByTestId('generality-moby-dick').check();
    await page.getByTestId('generality-spam-assassin').check();
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-hf-generality-suite.png'), fullPage: true });
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('method-toggle-wiseft').uncheck();
    // LoRA's defaults fit the checkpoint: its tied LM head is left frozen (adapters on the blocks only).
    await page.getByTestId('method-toggle-lora').check();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('budget-epochs').fill('1');
    await page.getByTestId('budget-batch-size').fill('16');
    await page.getByTestId('budget-seeds').fill('0');
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toMatch(/2 fine-tuning runs.*starting from the imported model/s);
    expect(await page.getByTestId('study-name').inputValue()).toBe('gpt2-tiny: Moby Dick → modern addresses');
    await page.getByTestId('wizard-launch').click();

    await expect.poll(async () => (await session.wb.api.listRuns()).items.length, { timeout: 10_000 }).toBe(2);
    const runs = (await session.wb.api.listRuns()).items;
    for (const run of runs) {
      await expect.poll(() => page.getByTestId(`run-status-${run.id}`).textContent(), { timeout: 120_000, interval: 250 }).toBe('completed');
      expect(run.config!.kind === 'finetune' && run.config!.generality).toEqual(['moby-dick', 'spam-assassin']);
      expect(run.config!.baseModel.imported!.id).toBe(model.id);
    }
    // The Runs table shows the suite's mean retention by default.
    await expect.poll(() => page.locator('th', { hasText: 'Retention (gen. mean)' }).count()).toBe(1);
    for (const run of runs) await page.getByTestId(`run-select-${run.id}`).check();
    await page.getByTestId('compare-button').click();
    await expect.poll(() => page.getByTestId('compare-table').isVisible()).toBe(true);
    const table = page.getByTestId('compare-table');
    for (const name of ['Retention (gen. mean)', 'Retention · Moby Dick', 'Retention · SpamAssassin mail', 'L · SpamAssassin mail (nats)'])
      await expect.poll(() => table.locator('th', { hasText: name }).count()).toBe(1);
    const details = await Promise.all(runs.map((r) => session.wb.api.getRun(r.id)));
    // The cells are the runs' stored retentions on that set (one seed each: no spread), in percent.
    const cells = await Promise.all(details.map((_, i) => page.getByTestId(`metric-genRet:spam-assassin-${i}`).textContent()));
    const stored = details.map((run) => run.headline!.generality!.find((g) => g.set === 'spam-assassin')!.retention! * 100);
    expect(cells.map((c) => Number(c!.trim())).sort()).toEqual(stored.map((v) => Number(v.toFixed(1))).sort());
    await page.getByTestId('compare-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-hf-generality-compare.png'), fullPage: true });
    await page.getByTestId('tab-datasets').click();
    expect(errors).toEqual([]);
  });

  it('refuses a dropped GPT-2 folder without its tokenizer, by name, and stores nothing', async () => {
    const before = await session.wb.api.listImportedModels();
    await dropPath(page, copyOf('gpt2-tiny', 'gpt2-no-tokenizer', ['tokenizer.json']), 'h2');
    await expect
      .poll(() => page.getByRole('alert').first().textContent(), { timeout: 30_000 })
      .toMatch(/gpt2-no-tokenizer has no tokenizer: a GPT-2 checkpoint needs tokenizer\.json \(or vocab\.json and merges\.txt\)/);
    expect(await page.getByTestId('import-panel').count()).toBe(0);
    expect(await session.wb.api.listImportedModels()).toEqual(before);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-hf-drop-no-tokenizer.png') });
    expect(errors).toEqual([]);
  });

  it('uploads a BERT folder through the folder picker (several files) and lists it with its WordPiece tokenizer', async () => {
    await page.getByTestId('model-picker-folder').setInputFiles(copyOf('bert-tiny', 'bert-tiny'));
    await expect.poll(() => page.getByTestId('model-list').textContent(), { timeout: 30_000 }).toMatch(/bert-tiny\s*Hugging Face BERT checkpoint/);
    const bert = (await session.wb.api.listImportedModels()).find((m) => m.name === 'bert-tiny')!;
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByTestId('model-list').textContent()).toMatch(/context 24 tokens · masked-LM head over 89 tokens/);
    expect((await page.getByTestId(`tokenizer-${bert.id}`).textContent())!.replace(/\s+/g, ' ')).toMatch(
      /WordPiece from tokenizer\.json vocabulary 89 tokens pad id 0 special tokens: .*\[CLS\]/,
    );
    expect(await page.getByTestId('model-list').textContent()).toMatch(/classifier \(3 labels\) is not kept/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-hf-picker-bert.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('fine-tunes the uploaded BERT into a spam filter from the wizard: L_pre in nats beside A_tgt in % in the run detail and the compare view', async () => {
    const bert = (await session.wb.api.listImportedModels()).find((m) => m.name === 'bert-tiny')!;
    const before = new Set((await session.wb.api.listRuns()).items.map((r) => r.id));
    await page.getByTestId('tab-new-study').click();
    await page.getByTestId('imported-bert-tiny').click();
    await page.getByTestId('wizard-next').click();
    // A BERT also becomes a classifier on its pooled [CLS]; a library dataset or a text classifier's task does not fit it.
    expect(await page.getByTestId('task-spam-later').count()).toBe(0);
    await page.getByTestId('task-moby-spam').click();
    await page.getByTestId('data-train-sequences').fill('32');
    await page.getByTestId('data-eval-sequences').fill('16');
    await page.getByTestId('wizard-next').click();
    // The wizard keeps the previous study's choices: set every toggle this study depends on.
    await page.getByTestId('method-toggle-wiseft').uncheck();
    await page.getByTestId('method-toggle-lora').uncheck();
    await page.getByTestId('method-toggle-rehearsal').check();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('budget-epochs').fill('1');
    await page.getByTestId('budget-batch-size').fill('16');
    await page.getByTestId('budget-seeds').fill('0');
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toMatch(/2 fine-tuning runs/);
    expect(await page.getByTestId('study-name').inputValue()).toBe('bert-tiny: Moby Dick → spam filter');
    await page.getByTestId('wizard-launch').click();

    await expect.poll(async () => (await session.wb.api.listRuns()).items.filter((r) => !before.has(r.id)).length, { timeout: 10_000 }).toBe(2);
    const runs = (await session.wb.api.listRuns()).items.filter((r) => !before.has(r.id));
    for (const run of runs) {
      await expect.poll(() => page.getByTestId(`run-status-${run.id}`).textContent(), { timeout: 120_000, interval: 250 }).toBe('completed');
      expect(run.config!.baseModel.imported!.id).toBe(bert.id);
    }
    const [first] = await Promise.all(runs.map((r) => session.wb.api.getRun(r.id)));
    // The run detail: L_pre (masked-token loss, nats) and A_tgt (spam accuracy, %) side by side at every point.
    await page.getByTestId(`run-row-${first.id}`).click();
    const evaluations = page.getByTestId('evaluation-table');
    await evaluations.waitFor();
    expect(await evaluations.locator('th').allTextContents()).toEqual(expect.arrayContaining(['L_pre', 'A_tgt']));
    const final = first.evaluations.find((e) => e.phase === 'final')!;
    const lastRow = await evaluations.locator('tbody tr').last().locator('td').allTextContents();
    expect(lastRow).toEqual(expect.arrayContaining([final.aPre.toFixed(3), `${(final.aTgt! * 100).toFixed(1)}%`]));
    await page.getByTestId('learning-curve').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-hf-bert-spam-detail.png'), fullPage: true });
    for (const run of runs) await page.getByTestId(`run-select-${run.id}`).check();
    await page.getByTestId('compare-button').click();
    // The GPT-2 study's runs are still selected: the Compare view gives each task its own table.
    const table = page.getByTestId('compare-table').filter({ hasText: 'Random rehearsal' });
    await expect.poll(() => table.isVisible()).toBe(true);
    for (const name of ['L_pre (nats)', 'Forgetting (nats)', 'A_tgt', 'Target gain'])
      await expect.poll(() => table.locator('th', { hasText: name }).count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-hf-bert-spam-compare.png'), fullPage: true });
    await page.getByTestId('tab-datasets').click();
    expect(errors).toEqual([]);
  });

  it('answers a checkpoint zip dropped as data with where it belongs, and imports it from the base-model picker', async () => {
    const folder = copyOf('gpt2-tiny', 'gpt2-zipped');
    const zip = join(scratch, 'gpt2-zipped.zip');
    writeFileSync(zip, await writeZip(readdirSync(folder).map((name) => ({ name: `gpt2-zipped/${name}`, data: readFileSync(join(folder, name)) }))));
    const before = await session.wb.api.listImportedModels();
    // Each test starts from the Datasets tab, so one that fails elsewhere does not fail the next.
    await page.getByTestId('tab-datasets').click();
    await dropPath(page, zip, 'h2');
    await expect
      .poll(() => page.getByTestId('import-panel').getByRole('alert').textContent(), { timeout: 30_000 })
      .toMatch(/gpt2-zipped\.zip holds a model \(model\.json or safetensors\), not a dataset: import it as a base model under “Base models”/);
    expect(await session.wb.api.listImportedModels()).toEqual(before);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-hf-zip-as-data.png') });
    await page.getByTestId('model-picker-files').setInputFiles(zip);
    await expect.poll(() => page.getByTestId('model-list').textContent(), { timeout: 30_000 }).toMatch(/gpt2-zipped\s*Hugging Face GPT-2 checkpoint/);
    expect((await session.wb.api.listImportedModels()).length).toBe(before.length + 1);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('lists a dropped Keras graph (MobileNetV2) with its many layers in a table that scrolls under its header', async () => {
    await tf.setBackend('cpu');
    const model = mobileNetV2(0.35, 96, 10);
    const folder = await saveModel(model, join(scratch, 'mobilenet-v2'));
    model.dispose();
    await page.getByTestId('tab-datasets').click();
    await dropPath(page, folder, 'h2');
    await expect
      .poll(() => page.getByTestId('model-list').textContent(), { timeout: 60_000 })
      .toMatch(/mobilenet-v2\s*TensorFlow\.js model\s*input 96×96×3 · 10 classes/);
    const mobile = (await session.wb.api.listImportedModels()).find((m) => m.name === 'mobilenet-v2')!;
    const table = page.getByTestId(`layers-${mobile.id}`);
    expect(await table.locator('tbody tr').count()).toBe(mobile.layers.length);
    expect(mobile.layers.length).toBeGreaterThan(50);
    const box = table.locator('xpath=..');
    const { scrollHeight, clientHeight } = await box.evaluate((el) => ({ scrollHeight: el.scrollHeight, clientHeight: el.clientHeight }));
    expect(scrollHeight).toBeGreaterThan(clientHeight);
    expect(clientHeight).toBeLessThanOrEqual(600);
    // Scrolled halfway down, the column names stay on top.
    await box.evaluate((el) => el.scrollTo(0, el.scrollHeight / 2));
    const head = (await table.locator('th').first().boundingBox())!;
    expect(Math.abs(head.y - (await box.boundingBox())!.y)).toBeLessThan(2);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-keras-drop-mobilenet.png') });
    expect(errors).toEqual([]);
  });
});
