import type { DatasetFormat, DatasetKind } from '../../src-shared/datasets';

/** What a reader knows before its first row. */
export interface StreamHeader {
  kind: DatasetKind;
  format: DatasetFormat;
  /** [height, width, channels] of a sample; tabular rows are [1, features, 1]; [] for text. */
  shape: number[];
  featureNames: string[];
  /** Columns or keys a label or text could be chosen from. */
  columns: string[];
  labelColumn: string | null;
  textColumn: string | null;
}

/** Where a format reader streams its rows; readers know nothing about previews or the store. */
export interface RowSink {
  start(header: StreamHeader): void;
  /** Rows of features, row-major [labels.length, dim], with each row's label as read. */
  features(x: Float32Array, labels: string[]): void;
  /** Rows of raw text with their labels as read. */
  texts(texts: string[], labels: string[]): void;
  warn(message: string): void;
  /** Fraction of the input read (0..1), or null when unknown. */
  progress(fraction: number | null): void;
}

/** Rows per batch a reader hands to its sink (bounded memory, few store writes). */
export const BATCH_ROWS = 1024;

/** Rows per batch of `dim` features: BATCH_ROWS, fewer for large samples so a batch stays near 4 MB. */
export function batchRowsFor(dim: number): number {
  return Math.max(1, Math.min(BATCH_ROWS, Math.floor(2 ** 20 / Math.max(1, dim))));
}
