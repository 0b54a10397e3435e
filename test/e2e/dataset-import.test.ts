import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeZip } from '../../src-main/export/write-zip';
import type { BrowserServer } from '../../src-main/server/http-server';
import { pngBytes } from '../main/image-fixtures';
import { blobCsv, sentencesJsonl } from '../main/dataset-fixtures';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');
const FIXTURES = join(__dirname, '..', 'fixtures');

describe('browser mode end to end: importing datasets and a base model', () => {
  let session: BrowserSession;
  let server: BrowserServer;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession();
    ({ server, page } = session);
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('tab-datasets').click();
    await page.getByTestId('dataset-library').waitFor();
  });

  afterAll(() => session?.close());

  /** A zip of 12×12 grey images in class folders bars/ and dots/ (20 each); `turned`: bars horizontal, dots off-centre (a shift with the same classes). */
  async function shapesZip(name: string, turned: boolean): Promise<string> {
    const entries = [];
    for (let i = 0; i < 20; i++) {
      const bars = (x: number, y: number) => ((turned ? y : x) % 4 < 2 ? 200 + (i % 5) * 10 : 0);
      const [cx, cy] = turned ? [4 + (i % 3), 4 + (i % 2)] : [6, 6];
      entries.push({ name: `${name}/bars/${i}.png`, data: pngBytes(12, 12, bars) });
      entries.push({ name: `${name}/dots/${i}.png`, data: pngBytes(12, 12, (x, y) => ((x - cx) ** 2 + (y - cy) ** 2 < 8 + (i % 8) ? 255 : 0)) });
    }
    const zip = join(session.wb.dataDir, `${name}.zip`);
    writeFileSync(zip, await writeZip(entries));
    return zip;
  }

  /** Uploads a file with the picker and imports it as previewed. */
  async function upload(path: string, name: string): Promise<void> {
    await page.getByTestId('dataset-picker-files').setInputFiles(path);
    await expect.poll(() => page.getByTestId('preview-facts').innerText(), { timeout: 20_000 }).toMatch(/samples/);
    await page.getByTestId('import-name').fill(name);
    await page.getByTestId('import-button').click();
    await expect.poll(() => page.getByTestId('import-done').textContent(), { timeout: 20_000 }).toContain(`Imported “${name}”`);
  }

  /** Picks the pretrain and target datasets, by name, on the wizard's data step. */
  async function pickDatasets(pretrain: string, target: string): Promise<void> {
    const datasets = (await session.wb.api.listDatasets()).items;
    const id = (name: string) => datasets.find((d) => d.name === name)!.id;
    await page.getByTestId('pretrain-dataset').selectOption(id(pretrain));
    await page.getByTestId('target-dataset').selectOption(id(target));
  }

  /** Launches the study composed in the wizard (named after its datasets) and waits until all its runs completed. */
  async function launchAndWait(runCount: number, name: string): Promise<void> {
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('budget-epochs').fill('8');
    await page.getByTestId('budget-seeds').fill('0');
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toContain(`${runCount} fine-tuning run`);
    expect(await page.getByTestId('study-name').inputValue()).toBe(name);
    const before = new Set((await session.wb.api.listRuns()).items.map((r) => r.id));
    await page.getByTestId('wizard-launch').click();
    await expect.poll(async () => (await session.wb.api.listRuns()).items.length, { timeout: 10_000 }).toBeGreaterThan(before.size);
    await session.wb.host.whenIdle();
    const runs = (await session.wb.api.listRuns()).items.filter((r) => !before.has(r.id));
    for (const run of runs) await expect.poll(() => page.getByTestId(`run-status-${run.id}`).textContent(), { timeout: 30_000 }).toBe('completed');
  }

  it('uploads a CSV with the file picker, previews it, imports it with progress and lists it in the library', async () => {
    await page.getByTestId('dataset-picker-files').setInputFiles(join(FIXTURES, 'import', 'csv', 'iris.csv'));
    await expect.poll(() => page.getByTestId('preview-facts').innerText(), { timeout: 20_000 }).toMatch(/10 samples · 3 numeric features · 3 classes/);
    expect(await page.getByTestId('class-counts').textContent()).toMatch(/setosa\s*4/);
    expect(await page.getByTestId('label-column').inputValue()).toBe('species');
    expect(await page.getByTestId('sample-rows').textContent()).toMatch(/petal, length/);
    await page.getByTestId('import-name').fill('Iris flowers');
    await page.screenshot({ path: join(OUTPUT_DIR, 'datasets-preview.png'), fullPage: true });
    await page.getByTestId('import-button').click();
    await expect.poll(() => page.getByTestId('import-done').textContent(), { timeout: 20_000 }).toMatch(/Imported “Iris flowers”: 10 samples/);
    await expect.poll(() => page.getByTestId('dataset-library').textContent()).toMatch(/Iris flowers\s*tabular\s*10\s*3 features/);
    expect(errors).toEqual([]);
  });

  it('uploads a zip of image class folders and shows a grid of samples', async () => {
    await page.getByTestId('dataset-picker-files').setInputFiles(await shapesZip('shapes', false));
    await expect.poll(() => page.getByTestId('preview-facts').innerText(), { timeout: 20_000 }).toMatch(/40 samples · images 12×12, grey · 2 classes/);
    expect(await page.getByTestId('sample-images').locator('img').count()).toBe(8);
    await page.screenshot({ path: join(OUTPUT_DIR, 'datasets-image-preview.png'), fullPage: true });
    await page.getByTestId('import-button').click();
    await expect.poll(() => page.getByTestId('dataset-library').textContent(), { timeout: 20_000 }).toMatch(/shapes\s*images\s*40\s*12×12×1/);
  });

  it('shows why a ragged CSV cannot be imported', async () => {
    await page.getByTestId('dataset-picker-files').setInputFiles(join(FIXTURES, 'import', 'csv', 'ragged.csv'));
    await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: 20_000 }).toMatch(/ragged\.csv, line 3 has 2 fields; the header has 3/);
  });

  it('imports a TensorFlow.js model dropped as model.json with its weights and shows its layer table', async () => {
    await page.getByTestId('model-picker-files').setInputFiles([join(FIXTURES, 'models', 'cnn', 'model.json'), join(FIXTURES, 'models', 'cnn', 'weights.bin')]);
    await expect
      .poll(() => page.getByTestId('model-list').textContent(), { timeout: 20_000 })
      .toMatch(/model\s*TensorFlow\.js model\s*input 8×8×1 · 3 classes · 931 parameters/);
    const layers = await page.locator('[data-testid^="layers-"]').textContent();
    expect(layers).toMatch(/hidden\s*Dense\s*\[6\]\s*870\s*yes\s*backbone\s*adaptable/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'datasets-library-models.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
  it('picks the uploaded image zips in the wizard and runs a short study on them: the same classes reuse the head', async () => {
    await upload(await shapesZip('turned-shapes', true), 'turned shapes');
    await page.getByTestId('tab-new-study').click();
    await page.getByTestId('recipe-mlp').click();
    await page.getByTestId('pretrain-epochs').fill('20');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('task-dataset').click();
    await pickDatasets('shapes', 'turned shapes');
    await expect.poll(() => page.getByTestId('library-compat').textContent()).toMatch(/same 2 classes \(bars, dots\): the pretrain head is reused/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'wizard-library-images.png'), fullPage: true });
    await page.getByTestId('wizard-next').click();
    await launchAndWait(2, 'shapes → turned shapes');
    await expect.poll(() => page.getByText('mlp → shapes → turned shapes').count()).toBe(1);
    await page.screenshot({ path: join(OUTPUT_DIR, 'wizard-library-runs.png'), fullPage: true });
    const vanilla = (await session.wb.api.listRuns()).items.find((r) => r.methodId === 'vanilla' && r.status === 'completed')!;
    const detail = await session.wb.api.getRun(vanilla.id);
    expect(detail.headline!.aTgtBaseIsProbe).toBe(false);
    expect(detail.headline!.aPreBase).toBeGreaterThan(0.7);
    expect(errors).toEqual([]);
  });

  it('picks two uploaded CSV tables with other classes: the wizard says a new head is trained, and the study runs', async () => {
    const dir = session.wb.dataDir;
    writeFileSync(join(dir, 'sensors.csv'), blobCsv(['idle', 'walk', 'run'], { perClass: 40, features: 4, seed: 1 }));
    writeFileSync(join(dir, 'machines.csv'), blobCsv(['ok', 'worn'], { perClass: 40, features: 4, seed: 2, shift: 1 }));
    await page.getByTestId('tab-datasets').click();
    await upload(join(dir, 'sensors.csv'), 'sensors');
    await upload(join(dir, 'machines.csv'), 'machines');
    await page.getByTestId('tab-new-study').click();
    await page.getByTestId('wizard-next').click();
    await pickDatasets('sensors', 'machines');
    await expect
      .poll(() => page.getByTestId('library-compat').textContent())
      .toMatch(/classes differ \(pretrain: idle, run, walk; target: ok, worn\): a new head of 2 units/);
    expect(await page.getByTestId('data-standardize').isChecked()).toBe(true);
    await page.screenshot({ path: join(OUTPUT_DIR, 'wizard-library-tables.png'), fullPage: true });
    await page.getByTestId('wizard-next').click();
    await launchAndWait(2, 'sensors → machines');
    const vanilla = (await session.wb.api.listRuns()).items.find((r) => r.methodId === 'vanilla' && r.status === 'completed')!;
    expect((await session.wb.api.getRun(vanilla.id)).headline!.aTgtBaseIsProbe).toBe(true);
    expect(errors).toEqual([]);
  });

  it('offers uploaded labelled texts to the character encoder, and says which base model reads them', async () => {
    const dir = session.wb.dataDir;
    writeFileSync(
      join(dir, 'news-old.jsonl'),
      sentencesJsonl({ sport: ['goal', 'match', 'team'], weather: ['rain', 'storm', 'cloud'] }, { perClass: 20, seed: 1 }),
    );
    writeFileSync(
      join(dir, 'news-new.jsonl'),
      sentencesJsonl({ sport: ['coach', 'derby', 'final'], weather: ['frost', 'gale', 'fog'] }, { perClass: 20, seed: 2 }),
    );
    await page.getByTestId('tab-datasets').click();
    await upload(join(dir, 'news-old.jsonl'), 'news, old words');
    await upload(join(dir, 'news-new.jsonl'), 'news, new words');
    await page.getByTestId('tab-new-study').click();
    await page.getByTestId('recipe-mlp').click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('task-dataset').click();
    await pickDatasets('news, old words', 'news, new words');
    await expect.poll(() => page.getByTestId('library-compat').textContent()).toMatch(/'news, old words' is a text dataset: choose the character encoder/);
    await page.getByTestId('wizard-back').click();
    await page.getByTestId('recipe-char-encoder').click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('data-min-char-count').fill('2');
    await expect
      .poll(() => page.getByTestId('library-compat').textContent())
      .toMatch(/vocabulary is the characters seen at least 2 times.*same 2 classes \(sport, weather\)/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'wizard-library-texts.png'), fullPage: true });
    // Back to the first step, where the next test starts.
    await page.getByTestId('wizard-back').click();
    expect(errors).toEqual([]);
  });

  it('starts the wizard from the imported tfjs model on uploaded numpy digits: nothing is pretrained', async () => {
    await page.getByTestId('tab-datasets').click();
    await upload(join(FIXTURES, 'import', 'digits8.npz'), 'digits 8×8');
    await upload(join(FIXTURES, 'import', 'digits8-rotated.npz'), 'digits 8×8 rotated');
    await page.getByTestId('tab-new-study').click();
    await page.getByTestId('imported-model').click();
    await expect.poll(() => page.getByTestId('imported-hint').textContent()).toMatch(/8×8×1 samples of\s+3 classes/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'wizard-imported-base.png'), fullPage: true });
    await page.getByTestId('wizard-next').click();
    await pickDatasets('digits 8×8', 'digits 8×8 rotated');
    await expect.poll(() => page.getByTestId('library-compat').textContent()).toMatch(/same 3 classes \(0, 1, 2\): the pretrain head is reused/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'wizard-library-imported.png'), fullPage: true });
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('budget-epochs').fill('4');
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('review-run-count').textContent()).toMatch(/starting from the imported model: nothing to pretrain/);
    const before = (await session.wb.api.listRuns()).items.length;
    await page.getByTestId('wizard-launch').click();
    await expect.poll(async () => (await session.wb.api.listRuns()).items.length, { timeout: 10_000 }).toBe(before + 2);
    await session.wb.host.whenIdle();
    const vanilla = (await session.wb.api.listRuns()).items.find((r) => r.methodId === 'vanilla')!;
    await expect.poll(() => page.getByTestId(`run-status-${vanilla.id}`).textContent(), { timeout: 30_000 }).toBe('completed');
    const h = (await session.wb.api.getRun(vanilla.id)).headline!;
    expect(h.aPreBase).toBeGreaterThan(0.85);
    expect(h.aTgt).toBeGreaterThan(h.aTgtBase);

    // The comparison names the pretrain classes by their labels.
    const study = (await session.wb.api.listRuns()).items.filter((r) => r.studyId === vanilla.studyId);
    for (const run of study) await page.getByTestId(`run-select-${run.id}`).check();
    await page.getByTestId('compare-button').click();
    await page.getByTestId('plot-scatter').locator('.scatterlayer').waitFor();
    await page.getByTestId('compare-table').waitFor();
    await page.screenshot({ path: join(OUTPUT_DIR, 'compare-library.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
