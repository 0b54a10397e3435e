import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeZip } from '../../src-main/export/write-zip';
import { importDatasetAt, previewDatasetAt } from '../../src-main/import/dataset-import';
import { loadStoredDataset } from '../../src-main/store-read/stored-datasets';
import { jpegBytes, pngBytes, twoClassPngs, writeTree } from './image-fixtures';
import { datasetTableCounts, tempStores } from './import-helpers';

const store = tempStores();

describe('importing image folders and zips', () => {
  it('reads one subfolder per class as labels, pixels in [0, 1], and previews samples as PNG data URLs', async () => {
    const { db, dir } = store();
    const folder = writeTree(join(dir, 'digits'), { ...twoClassPngs(), 'README.txt': Buffer.from('about the data') });
    const preview = await previewDatasetAt(folder, {});
    expect(preview).toMatchObject({ format: 'image-folder', kind: 'images', n: 6, shape: [4, 4, 1], suggestedName: 'digits' });
    expect(preview.classes).toEqual([
      { label: 'one', count: 3 },
      { label: 'zero', count: 3 },
    ]);
    expect(preview.sampleImages).toHaveLength(6);
    expect(preview.sampleImages[0].dataUrl).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(preview.warnings.join(' ')).toMatch(/Skipped 1 file that are not PNG or JPEG: README\.txt/);
    await importDatasetAt(db, folder, {}, 'data-1');
    const data = loadStoredDataset(db, 'data-1');
    expect(data.kind).toBe('images');
    // 'one' sorts first: its first image is bright in the top two rows.
    expect(Array.from(data.x.slice(0, 8))).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(data.x.slice(8, 16))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(data.classNames).toEqual(['one', 'zero']);
  });

  it('reads a zip of class folders without extracting it, and converts colour JPEGs to grey at a chosen size', async () => {
    const { db, dir } = store();
    const entries = [
      { name: 'pets/cats/a.jpg', data: jpegBytes(6, 6, [200, 40, 40]) },
      { name: 'pets/cats/b.jpg', data: jpegBytes(8, 6, [210, 50, 30]) },
      { name: 'pets/dogs/a.png', data: pngBytes(5, 5, () => 90, true) },
      { name: 'pets/dogs/b.png', data: pngBytes(5, 5, () => 100) },
    ];
    const zip = join(dir, 'pets.zip');
    writeFileSync(zip, await writeZip(entries));
    const record = await importDatasetAt(db, zip, { imageSize: [3, 3], colour: 'grey' }, 'data-1');
    expect(record).toMatchObject({ name: 'pets', format: 'image-zip', kind: 'images', n: 4, shape: [3, 3, 1] });
    const data = loadStoredDataset(db, 'data-1');
    // Grey of (200, 40, 40) by ITU-R 601 luma ≈ 88/255 (JPEG rounding allows a little).
    expect(data.x[0]).toBeCloseTo(88 / 255, 1);
    expect(readdirSync(dir).sort()).toEqual(['pets.zip', 'retainlab.sqlite', 'retainlab.sqlite-shm', 'retainlab.sqlite-wal']);
  });

  it('refuses a zip with a ../ entry before reading anything, and writes nothing outside (or inside) the import folder', async () => {
    const { db, dir } = store();
    const zip = join(dir, 'evil.zip');
    // yazl refuses to write a ../ name, so a same-length name is swapped in its local header and central directory.
    const safe = await writeZip([
      { name: 'cats/a.png', data: pngBytes(2, 2, () => 1) },
      { name: 'xx/escaped.png', data: pngBytes(2, 2, () => 1) },
    ]);
    writeFileSync(zip, Buffer.from(safe.toString('latin1').replaceAll('xx/escaped.png', '../escaped.png'), 'latin1'));
    await expect(importDatasetAt(db, zip, {}, 'data-1')).rejects.toThrow(
      "evil.zip contains '../escaped.png', a path outside the archive's folder: the zip is refused and nothing was extracted",
    );
    expect(existsSync(join(dir, '..', 'escaped.png'))).toBe(false);
    expect(existsSync(join(dir, 'escaped.png'))).toBe(false);
    expect(datasetTableCounts(db)).toEqual({ datasets: 0, chunks: 0, texts: 0 });
  });

  it('refuses a truncated PNG, naming the file', async () => {
    const { db, dir } = store();
    const files = twoClassPngs();
    files['one/1.png'] = files['one/1.png'].subarray(0, 40);
    await expect(importDatasetAt(db, writeTree(join(dir, 'digits'), files), {}, 'data-1')).rejects.toThrow('digits/one/1.png is a truncated PNG');
    expect(datasetTableCounts(db)).toEqual({ datasets: 0, chunks: 0, texts: 0 });
  });

  it('refuses images of mixed sizes unless a size is chosen', async () => {
    const { db, dir } = store();
    const files = { ...twoClassPngs(), 'zero/big.png': pngBytes(6, 5, () => 0) };
    const folder = writeTree(join(dir, 'digits'), files);
    await expect(importDatasetAt(db, folder, {}, 'data-1')).rejects.toThrow(
      'digits: images differ in size: one/0.png is 4×4 grey, zero/big.png is 5×6 grey; choose a size to resize them all to',
    );
    expect(datasetTableCounts(db)).toEqual({ datasets: 0, chunks: 0, texts: 0 });
    expect((await importDatasetAt(db, folder, { imageSize: [4, 4] }, 'data-2')).n).toBe(7);
  });

  it('refuses grey and colour images mixed unless a colour mode is chosen', async () => {
    const { db, dir } = store();
    const folder = writeTree(join(dir, 'digits'), { ...twoClassPngs(), 'zero/rgb.png': pngBytes(4, 4, () => 50, true) });
    await expect(importDatasetAt(db, folder, {}, 'data-1')).rejects.toThrow(
      'digits: images differ in channels: one/0.png is 4×4 grey, zero/rgb.png is 4×4 colour (RGB); choose grey or colour to convert them all',
    );
    expect((await importDatasetAt(db, folder, { colour: 'rgb' }, 'data-2')).shape).toEqual([4, 4, 3]);
  });

  it('refuses a file with an image extension whose content is not an image', async () => {
    const { db, dir } = store();
    const folder = writeTree(join(dir, 'digits'), { ...twoClassPngs(), 'one/notes.png': Buffer.from('just some text, not a picture') });
    await expect(importDatasetAt(db, folder, {}, 'data-1')).rejects.toThrow('digits/one/notes.png is text, not a PNG or JPEG image');
  });

  it('refuses a folder with a single class', async () => {
    const { db, dir } = store();
    const folder = writeTree(join(dir, 'digits'), { 'zero/a.png': pngBytes(2, 2, () => 0), 'zero/b.png': pngBytes(2, 2, () => 9) });
    await expect(importDatasetAt(db, folder, {}, 'data-1')).rejects.toThrow(
      "digits: every sample has the label 'zero'; a classifier needs at least two classes",
    );
  });

  it('says that a zip or folder of a Hugging Face checkpoint is a base model, not a dataset', async () => {
    const { db, dir } = store();
    const hub = { 'config.json': Buffer.from('{"model_type":"gpt2"}'), 'model.safetensors': Buffer.alloc(16) };
    const zip = join(dir, 'gpt2.zip');
    writeFileSync(zip, await writeZip(Object.entries(hub).map(([name, data]) => ({ name: `gpt2/${name}`, data }))));
    const asModel = /holds a model \(model\.json or safetensors\), not a dataset: import it as a base model under “Base models”/;
    await expect(previewDatasetAt(zip, {})).rejects.toThrow(asModel);
    await expect(importDatasetAt(db, writeTree(join(dir, 'gpt2'), hub), {}, 'data-1')).rejects.toThrow(asModel);
    expect(datasetTableCounts(db)).toEqual({ datasets: 0, chunks: 0, texts: 0 });
  });
});
