import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDatasetAt, previewDatasetAt } from '../../src-main/import/dataset-import';
import { loadStoredDataset } from '../../src-main/store-read/stored-datasets';
import { datasetTableCounts, tempStores } from './import-helpers';

const NPY = join(__dirname, '..', 'fixtures', 'import');
const store = tempStores();

describe('importing NumPy arrays', () => {
  it('reads an .npz written by numpy (ZIP64 local headers), scaling uint8 images to [0, 1]', async () => {
    // np.savez forces ZIP64: the local header's sizes are 0xFFFFFFFF with the real ones in a ZIP64 extra field.
    expect(readFileSync(join(NPY, 'digits.npz')).readUInt32LE(18)).toBe(0xffffffff);
    const { db } = store();
    const record = await importDatasetAt(db, join(NPY, 'digits.npz'), {}, 'data-1');
    expect(record).toMatchObject({ name: 'digits', format: 'npz', kind: 'images', n: 12, shape: [4, 4, 1] });
    const data = loadStoredDataset(db, 'data-1');
    expect(data.classes).toEqual([0, 1, 2]);
    expect(Array.from(data.y.slice(0, 6))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Math.max(...data.x)).toBeLessThanOrEqual(1);
    expect(Math.max(...data.x)).toBeGreaterThan(0.9);
  });

  it('reads a compressed .npz with float32 images and unicode string labels', async () => {
    const preview = await previewDatasetAt(join(NPY, 'digits-compressed.npz'), {});
    expect(preview).toMatchObject({ format: 'npz', kind: 'images', n: 12, shape: [4, 4, 1] });
    expect(preview.classes.map((c) => c.label)).toEqual(['cat', 'dog', 'eel']);
  });

  it('reads an x.npy/y.npy pair as a tabular dataset with numeric labels', async () => {
    const { db } = store();
    const record = await importDatasetAt(db, join(NPY, 'pair'), {}, 'data-1');
    expect(record).toMatchObject({ format: 'npy-pair', kind: 'tabular', n: 10, shape: [1, 3, 1] });
    const data = loadStoredDataset(db, 'data-1');
    expect(data.classes).toEqual([1, 2]);
    expect(data.splits.eval.length).toBe(2);
  });

  it('refuses a Fortran-ordered array, saying how to fix it', async () => {
    const { db } = store();
    await expect(importDatasetAt(db, join(NPY, 'fortran'), {}, 'data-1')).rejects.toThrow(
      'fortran/x.npy is stored in Fortran (column-major) order: save it with np.ascontiguousarray(a) first',
    );
    expect(datasetTableCounts(db)).toEqual({ datasets: 0, chunks: 0, texts: 0 });
  });

  it('refuses a lone .npy and arrays of different lengths', async () => {
    const { dir } = store();
    await expect(previewDatasetAt(join(NPY, 'pair', 'x.npy'), {})).rejects.toThrow('x.npy holds one array; drop x.npy and y.npy together');
    const mixed = join(dir, 'mixed');
    mkdirSync(mixed);
    copyFileSync(join(NPY, 'pair', 'x.npy'), join(mixed, 'x.npy'));
    copyFileSync(join(NPY, 'fortran', 'y.npy'), join(mixed, 'y.npy'));
    await expect(previewDatasetAt(mixed, {})).rejects.toThrow('mixed/x.npy has 10 samples but mixed/y.npy has 6 labels: they must match');
  });
});
