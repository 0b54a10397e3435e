import type { ClassCount, DatasetFormat, DatasetKind, DatasetSummary, SplitInfo } from '../../src-shared/datasets';
import { nowIso, type Db } from './types';

interface Row {
  id: string;
  name: string;
  kind: DatasetKind;
  format: DatasetFormat;
  origin: string;
  status: 'importing' | 'ready';
  n: number;
  shape_json: string;
  classes_json: string;
  split_json: string;
  meta_json: string;
  created_at: string;
}

/** What the library keeps about a dataset besides its rows: names of classes and features, numeric-label flag, warnings. */
export interface DatasetMeta {
  /** Label of each class index, as the file wrote it. */
  classNames: string[];
  /** True when every label is a number (the engine's `classes` are then those numbers). */
  numericLabels: boolean;
  featureNames: string[];
  labelColumn: string | null;
  textColumn: string | null;
  warnings: string[];
}

/** A ready dataset's record without its rows. */
export interface DatasetRecord extends Omit<DatasetSummary, 'classes' | 'builtin' | 'featureNames' | 'featuresKey'> {
  meta: DatasetMeta;
  /** Samples per class index. */
  counts: number[];
}

function toRecord(row: Row): DatasetRecord {
  const { counts } = JSON.parse(row.classes_json) as { counts: number[] };
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    format: row.format,
    origin: row.origin,
    n: row.n,
    shape: JSON.parse(row.shape_json) as number[],
    split: JSON.parse(row.split_json) as SplitInfo,
    createdAt: row.created_at,
    meta: JSON.parse(row.meta_json) as DatasetMeta,
    counts,
  };
}

/** A record's classes with their counts, in class-index order. */
export function classCounts(record: DatasetRecord): ClassCount[] {
  return record.meta.classNames.map((label, i) => ({ label, count: record.counts[i] ?? 0 }));
}

/** How long an import's row stays its own without a write: a process that died mid-import loses it after this. */
export const IMPORT_LEASE_MS = 10 * 60_000;

/** Starts an import: a hidden row that chunks can reference, leased to this import; it becomes visible only in finishDatasetImport. */
export function beginDatasetImport(db: Db, d: { id: string; kind: DatasetKind; format: DatasetFormat; origin: string }): void {
  db.prepare(
    `INSERT INTO datasets (id, name, kind, format, origin, status, n, shape_json, classes_json, split_json, meta_json, created_at, lease_until)
     VALUES (?, ?, ?, ?, ?, 'importing', 0, '[]', '{"counts":[]}', '{}', '{}', ?, ?)`,
  ).run(d.id, d.id, d.kind, d.format, d.origin, nowIso(), Date.now() + IMPORT_LEASE_MS);
}

/** Renews an import's lease (every write does; a long step between writes calls it too). */
export function renewImportLease(db: Db, id: string): void {
  db.prepare(`UPDATE datasets SET lease_until = ? WHERE id = ? AND status = 'importing'`).run(Date.now() + IMPORT_LEASE_MS, id);
}

/** Appends feature rows [rows, dim] as one float32 chunk. */
export function insertDatasetChunk(db: Db, datasetId: string, seq: number, firstRow: number, rows: number, x: Float32Array): void {
  db.prepare(`INSERT INTO dataset_chunks (dataset_id, seq, first_row, rows, x) VALUES (?, ?, ?, ?, ?)`).run(
    datasetId,
    seq,
    firstRow,
    rows,
    Buffer.from(x.buffer, x.byteOffset, x.byteLength),
  );
  renewImportLease(db, datasetId);
}

/** Appends raw text rows starting at `firstRow`, in one transaction. */
export function insertDatasetTexts(db: Db, datasetId: string, firstRow: number, texts: string[]): void {
  const stmt = db.prepare(`INSERT INTO dataset_texts (dataset_id, row, text) VALUES (?, ?, ?)`);
  db.transaction(() => {
    texts.forEach((t, i) => stmt.run(datasetId, firstRow + i, t));
    renewImportLease(db, datasetId);
  })();
}

/** Makes an import visible with its labels, split and description, in one transaction. */
export function finishDatasetImport(
  db: Db,
  id: string,
  d: { name: string; n: number; shape: number[]; counts: number[]; labels: Int32Array; split: Uint8Array; splitInfo: SplitInfo; meta: DatasetMeta },
): void {
  const { changes } = db
    .prepare(
      `UPDATE datasets SET status = 'ready', name = ?, n = ?, shape_json = ?, classes_json = ?, labels = ?, split = ?, split_json = ?, meta_json = ?
     WHERE id = ? AND status = 'importing'`,
    )
    .run(
      d.name,
      d.n,
      JSON.stringify(d.shape),
      JSON.stringify({ counts: d.counts }),
      Buffer.from(d.labels.buffer, d.labels.byteOffset, d.labels.byteLength),
      Buffer.from(d.split),
      JSON.stringify(d.splitInfo),
      JSON.stringify(d.meta),
      id,
    );
  if (changes !== 1) throw new Error(`The import ${id} was removed from the store before it finished`);
}

/** Removes a dataset with its rows (an abandoned import, or a delete), and gives their space back to the file system. */
export function removeDataset(db: Db, id: string): void {
  db.prepare(`DELETE FROM datasets WHERE id = ?`).run(id);
  reclaimSpace(db);
}

/**
 * Removes imports whose process died (never visible; their lease ran out) and reclaims their space.
 * Any process that opens the store does this; a live import renews its lease as it writes.
 */
export function removeUnfinishedImports(db: Db, now = Date.now()): number {
  const { changes } = db.prepare(`DELETE FROM datasets WHERE status = 'importing' AND (lease_until IS NULL OR lease_until < ?)`).run(now);
  if (changes) reclaimSpace(db);
  return changes;
}

/** Returns free pages to the file system (stores made since schema 9 vacuum incrementally; older ones by `retainlab store compact`). */
export function reclaimSpace(db: Db): void {
  if (db.pragma('auto_vacuum', { simple: true }) === 2) db.pragma('incremental_vacuum');
}

/** Every ready dataset, newest first. */
export function listDatasetRecords(db: Db): DatasetRecord[] {
  return (db.prepare(`SELECT * FROM datasets WHERE status = 'ready' ORDER BY created_at DESC, rowid DESC`).all() as Row[]).map(toRecord);
}

/** One ready dataset. */
export function getDatasetRecord(db: Db, id: string): DatasetRecord | null {
  const row = db.prepare(`SELECT * FROM datasets WHERE id = ? AND status = 'ready'`).get(id) as Row | undefined;
  return row ? toRecord(row) : null;
}

/** Whether a ready dataset other than `exceptId` has this name. */
export function datasetNameTaken(db: Db, name: string, exceptId = ''): boolean {
  return db.prepare(`SELECT 1 FROM datasets WHERE status = 'ready' AND name = ? AND id != ?`).get(name, exceptId) !== undefined;
}

/** Renames a ready dataset. */
export function renameDatasetRecord(db: Db, id: string, name: string): void {
  db.prepare(`UPDATE datasets SET name = ? WHERE id = ? AND status = 'ready'`).run(name, id);
}

/** Labels (class index per row) and split flags (0 train, 1 eval) of a ready dataset. */
export function datasetLabels(db: Db, id: string): { labels: Int32Array; split: Uint8Array } {
  const row = db.prepare(`SELECT labels, split FROM datasets WHERE id = ?`).get(id) as { labels: Buffer; split: Buffer };
  // Copy: SQLite's buffers need not be 4-byte aligned.
  return { labels: new Int32Array(new Uint8Array(row.labels).buffer), split: new Uint8Array(row.split) };
}

/** The feature chunks of a dataset in row order. */
export function* datasetChunks(db: Db, id: string): Generator<{ firstRow: number; rows: number; x: Float32Array }> {
  const stmt = db.prepare(`SELECT first_row, rows, x FROM dataset_chunks WHERE dataset_id = ? ORDER BY seq`);
  for (const row of stmt.iterate(id) as IterableIterator<{ first_row: number; rows: number; x: Buffer }>) {
    yield { firstRow: row.first_row, rows: row.rows, x: new Float32Array(new Uint8Array(row.x).buffer) };
  }
}

/** The raw texts of a text dataset in row order. */
export function datasetTexts(db: Db, id: string): string[] {
  return (db.prepare(`SELECT text FROM dataset_texts WHERE dataset_id = ? ORDER BY row`).all(id) as { text: string }[]).map((r) => r.text);
}

/** The name of a ready dataset, or null (reads no rows). */
export function datasetName(db: Db, id: string): string | null {
  return (db.prepare(`SELECT name FROM datasets WHERE id = ? AND status = 'ready'`).get(id) as { name: string } | undefined)?.name ?? null;
}

/** Runs whose stored config names this dataset id (a dataset they use cannot be deleted). */
export function runsUsingDataset(db: Db, id: string): string[] {
  return (db.prepare(`SELECT id FROM runs WHERE instr(config_json, ?) > 0 ORDER BY created_at`).all(JSON.stringify(id)) as { id: string }[]).map((r) => r.id);
}
