import { mkdirSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/db/connection';
import { beginDatasetImport, insertDatasetChunk, IMPORT_LEASE_MS } from '../../src-main/db/datasets';
import { DatasetService } from '../../src-main/services/dataset-service';
import { removeStaleUploads, STALE_UPLOAD_MS, uploadsDir, UploadTooLargeError, writeUpload } from '../../src-main/services/uploads';
import { datasetTableCounts, tempStores } from './import-helpers';

const store = tempStores();

describe('the store cleans up after imports that died', () => {
  it('any process opening the store clears an import whose lease ran out, keeps a live one, and gives the space back', () => {
    const { db, dir } = store();
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    const rows = new Float32Array(256 * 1024).fill(1);
    for (const id of ['data-dead', 'data-live']) {
      beginDatasetImport(db, { id, kind: 'tabular', format: 'csv', origin: 'x.csv' });
      for (let seq = 0; seq < 8; seq++) insertDatasetChunk(db, id, seq, seq * 256, 256, rows);
    }
    // The first importer died a lease ago; the second is still writing.
    db.prepare(`UPDATE datasets SET lease_until = ? WHERE id = 'data-dead'`).run(Date.now() - 1);
    const pagesBefore = db.pragma('page_count', { simple: true }) as number;
    const other = openStore(dir);
    try {
      expect(other.prepare(`SELECT id FROM datasets ORDER BY id`).all()).toEqual([{ id: 'data-live' }]);
      expect(datasetTableCounts(other).chunks).toBe(8);
      // The dead import's 8 MiB left the file (incremental vacuum), not only the tables.
      expect(other.pragma('freelist_count', { simple: true })).toBe(0);
      expect(other.pragma('page_count', { simple: true }) as number).toBeLessThan(pagesBefore - 1500);
    } finally {
      other.close();
    }
    expect(IMPORT_LEASE_MS).toBeGreaterThanOrEqual(60_000);
  });

  it('deletes the upload of a failed import too, and refuses uploads beyond the quota with 413-worthy errors', async () => {
    const { db, dir } = store();
    const service = new DatasetService(db, dir, () => {});
    await writeUpload(dir, 'up-0000000000000001', 'broken.csv', Readable.from([Buffer.from('only one column\n1\n2\n')]));
    await expect(service.importDataset({ kind: 'upload', id: 'up-0000000000000001' }, {}, 'job')).rejects.toThrow();
    expect(existsSync(join(uploadsDir(dir), 'up-0000000000000001'))).toBe(false);
    expect(datasetTableCounts(db)).toEqual({ datasets: 0, chunks: 0, texts: 0 });

    await writeUpload(dir, 'up-0000000000000002', 'a.bin', Readable.from([Buffer.alloc(600)]), { quota: 1000 });
    const over = writeUpload(dir, 'up-0000000000000003', 'b.bin', Readable.from([Buffer.alloc(600)]), { quota: 1000 });
    await expect(over).rejects.toBeInstanceOf(UploadTooLargeError);
    await expect(over).rejects.toThrow(/b\.bin does not fit: browser mode holds at most 0 GiB of uploads not yet imported .*--upload-quota GIB/);
    expect(existsSync(join(uploadsDir(dir), 'up-0000000000000003', 'b.bin'))).toBe(false);
  });

  it('removes uploads abandoned for an hour (a preview, then a closed page)', () => {
    const { dir } = store();
    for (const id of ['up-00000000000000aa', 'up-00000000000000bb']) {
      mkdirSync(join(uploadsDir(dir), id), { recursive: true });
      writeFileSync(join(uploadsDir(dir), id, 'x.csv'), 'a,b\n');
    }
    const old = (Date.now() - STALE_UPLOAD_MS - 60_000) / 1000;
    utimesSync(join(uploadsDir(dir), 'up-00000000000000aa'), old, old);
    removeStaleUploads(dir);
    expect(existsSync(join(uploadsDir(dir), 'up-00000000000000aa'))).toBe(false);
    expect(existsSync(join(uploadsDir(dir), 'up-00000000000000bb'))).toBe(true);
  });
});
