import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeZip } from '../../src-main/export/zip';
import type { BrowserServer } from '../../src-main/server/http-server';
import { pngBytes } from '../main/image-fixtures';
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

  it('uploads a CSV with the file picker, previews it, imports it with progress and lists it in the library', async () => {
    await page.getByTestId('dataset-picker-files').setInputFiles(join(FIXTURES, 'import', 'csv', 'iris.csv'));
    await expect.poll(() => page.getByTestId('preview-facts').textContent(), { timeout: 20_000 }).toMatch(/10 samples · 3 numeric features · 3 classes/);
    expect(await page.getByTestId('class-counts').textContent()).toMatch(/setosa\s*4/);
    expect(await page.getByTestId('label-column').inputValue()).toBe('species');
    expect(await page.getByTestId('sample-rows').textContent()).toMatch(/petal, length/);
    await page.getByTestId('import-name').fill('Iris flowers');
    await page.screenshot({ path: join(OUTPUT_DIR, 'datasets-preview.png'), fullPage: true });
    await page.getByTestId('import-button').click();
    await expect.poll(() => page.getByTestId('import-done').textContent(), { timeout: 20_000 }).toMatch(/Imported “Iris flowers”: 10 samples/);
    expect(await page.getByTestId('dataset-library').textContent()).toMatch(/Iris flowers\s*tabular\s*10\s*3 features/);
    expect(errors).toEqual([]);
  });

  it('uploads a zip of image class folders and shows a grid of samples', async () => {
    const zip = join(session.wb.dataDir, 'shapes.zip');
    const entries = [];
    for (let i = 0; i < 4; i++) {
      entries.push({ name: `shapes/bars/${i}.png`, data: pngBytes(12, 12, (x) => (x % 4 < 2 ? 255 : 0)) });
      entries.push({ name: `shapes/dots/${i}.png`, data: pngBytes(12, 12, (x, y) => ((x - 6) ** 2 + (y - 6) ** 2 < 12 + i ? 255 : 0)) });
    }
    writeFileSync(zip, writeZip(entries));
    await page.getByTestId('dataset-picker-files').setInputFiles(zip);
    await expect.poll(() => page.getByTestId('preview-facts').textContent(), { timeout: 20_000 }).toMatch(/8 samples · images 12×12, grey · 2 classes/);
    expect(await page.getByTestId('sample-images').locator('img').count()).toBe(8);
    await page.screenshot({ path: join(OUTPUT_DIR, 'datasets-image-preview.png'), fullPage: true });
    await page.getByTestId('import-button').click();
    await expect.poll(() => page.getByTestId('dataset-library').textContent(), { timeout: 20_000 }).toMatch(/shapes\s*images\s*8\s*12×12×1/);
  });

  it('shows why a ragged CSV cannot be imported', async () => {
    await page.getByTestId('dataset-picker-files').setInputFiles(join(FIXTURES, 'import', 'csv', 'ragged.csv'));
    await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: 20_000 }).toMatch(/ragged\.csv, line 3 has 2 fields; the header has 3/);
  });

  it('imports a TensorFlow.js model dropped as model.json with its weights and shows its layer table', async () => {
    await page.getByTestId('model-picker-files').setInputFiles([join(FIXTURES, 'models', 'cnn', 'model.json'), join(FIXTURES, 'models', 'cnn', 'weights.bin')]);
    await expect.poll(() => page.getByTestId('model-list').textContent(), { timeout: 20_000 }).toMatch(/model\s*input 8×8×1 · 3 classes · 931 parameters/);
    const layers = await page.locator('[data-testid^="layers-"]').textContent();
    expect(layers).toMatch(/hidden\s*Dense\s*\[6\]\s*870\s*yes\s*backbone\s*adaptable/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'datasets-library-models.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
