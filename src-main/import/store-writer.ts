import { beginDatasetImport, insertDatasetChunk, insertDatasetTexts } from '../db/datasets';
import type { Db } from '../db/types';
import type { RowWriter } from './assemble';
import type { StreamHeader } from './sink';

/**
 * Writes rows into a dataset that is still importing: each feature batch becomes one float32
 * chunk, text rows go in batches. Each write commits alone (no transaction held across awaits,
 * so the run host's writes on the same connection are never caught in an import's rollback).
 */
export class StoreWriter implements RowWriter {
  private seq = 0;

  constructor(
    private readonly db: Db,
    private readonly datasetId: string,
    private readonly origin: string,
  ) {}

  start(header: StreamHeader): void {
    beginDatasetImport(this.db, { id: this.datasetId, kind: header.kind, format: header.format, origin: this.origin });
  }

  features(x: Float32Array, firstRow: number, rows: number): void {
    insertDatasetChunk(this.db, this.datasetId, this.seq++, firstRow, rows, x);
  }

  texts(texts: string[], firstRow: number): void {
    insertDatasetTexts(this.db, this.datasetId, firstRow, texts);
  }
}
