import {
  FEATURE_NAMES_LISTED,
  type DatasetPreview,
  type DatasetSummary,
  type ImportedModelSummary,
  type ImportOptions,
  type ImportProgress,
  type ImportSource,
} from '../../src-shared/datasets';
import {
  classCounts,
  datasetName,
  datasetNameTaken,
  IMPORT_LEASE_MS,
  renewImportLease,
  getDatasetRecord,
  listDatasetRecords,
  removeDataset,
  renameDatasetRecord,
  runsUsingDataset,
  type DatasetRecord,
} from '../db/datasets';
import { createHash } from 'node:crypto';
import { listImportedModelSummaries } from '../db/imported-models';
import type { Db } from '../db/types';
import { BUILTIN_IDS, builtinDataset, builtinName } from '../engine/data/builtin-datasets';
import { importDatasetAt, previewDatasetAt } from '../import/dataset-import';
import { ImportError } from '../import/import-error';
import { ConflictError, NotFoundError } from '../../src-shared/validation';
import { importModelAt } from '../import/models/model-import';
import { newId } from './ids';
import { discardUpload, resolveSource } from './uploads';

function summary(record: DatasetRecord): DatasetSummary {
  const { meta, counts: _counts, ...rest } = record;
  const names = record.kind === 'tabular' ? meta.featureNames : [];
  return {
    ...rest,
    builtin: false,
    classes: classCounts(record),
    featureNames: names.slice(0, FEATURE_NAMES_LISTED),
    featuresKey: names.length ? createHash('sha256').update(JSON.stringify(names)).digest('hex') : '',
  };
}

/** A dataset of the library by id (built in or imported and ready), or null. */
export function datasetSummaryOf(db: Db, id: string): DatasetSummary | null {
  const builtin = builtinDataset(id);
  if (builtin) return builtin.summary;
  const record = getDatasetRecord(db, id);
  return record ? summary(record) : null;
}

/** The name of a dataset of the library (built in or imported), or null; reads no rows. */
export function datasetNameOf(db: Db, id: string): string | null {
  return builtinName(id) ?? datasetName(db, id);
}

/** The dataset library and base-model imports behind the API: preview, import (with progress), list, rename, delete. */
export class DatasetService {
  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly onProgress: (progress: ImportProgress) => void,
  ) {}

  /** Reads and checks what was dropped, and describes the import; stores nothing. */
  previewDataset(source: ImportSource, options: ImportOptions): Promise<DatasetPreview> {
    return previewDatasetAt(resolveSource(this.dataDir, source), options);
  }

  /** Imports into the library; progress goes out as events tagged with `jobId`. */
  async importDataset(source: ImportSource, options: ImportOptions, jobId: string): Promise<DatasetSummary> {
    const progress = (phase: ImportProgress['phase'], rows: number, fraction: number | null, message: string | null = null) =>
      this.onProgress({ jobId, phase, rows, fraction, message });
    progress('reading', 0, 0);
    const id = newId('data');
    // A long step between two writes (one huge zip entry, say) must not make the import look abandoned.
    const lease = setInterval(() => renewImportLease(this.db, id), IMPORT_LEASE_MS / 4);
    try {
      const record = await importDatasetAt(this.db, resolveSource(this.dataDir, source), options, id, (rows, fraction) => progress('reading', rows, fraction));
      progress('done', record.n, 1);
      return summary(record);
    } catch (err) {
      progress('failed', 0, null, (err as Error).message);
      throw err;
    } finally {
      clearInterval(lease);
      // Imported or refused, the staged upload has served: a retry uploads again.
      discardUpload(this.dataDir, source);
    }
  }

  /** Built-in sources first, then imports, newest first. */
  listDatasets(): DatasetSummary[] {
    return [...BUILTIN_IDS.map((id) => builtinDataset(id)!.summary), ...listDatasetRecords(this.db).map(summary)];
  }

  /** Renames an imported dataset (names are unique in the library). */
  renameDataset(id: string, name: string): DatasetSummary {
    this.requireImported(id);
    const trimmed = name.trim();
    if (datasetNameTaken(this.db, trimmed, id)) throw new ConflictError(`A dataset named '${trimmed}' already exists; choose another name`);
    renameDatasetRecord(this.db, id, trimmed);
    return summary(getDatasetRecord(this.db, id)!);
  }

  /** Deletes an imported dataset, refused while any run's config uses it. */
  deleteDataset(id: string): { deleted: string } {
    const record = this.requireImported(id);
    const runs = runsUsingDataset(this.db, id);
    if (runs.length) {
      const shown = runs.slice(0, 5).join(', ');
      throw new ConflictError(
        `'${record.name}' is used by ${runs.length} run${runs.length === 1 ? '' : 's'} (${shown}${runs.length > 5 ? ', …' : ''}); delete those runs first`,
      );
    }
    removeDataset(this.db, id);
    return { deleted: id };
  }

  /** Imports a TensorFlow.js LayersModel or a Hugging Face checkpoint as a base model. */
  async importModel(source: ImportSource, name: string | null): Promise<ImportedModelSummary> {
    try {
      return await importModelAt(this.db, resolveSource(this.dataDir, source), newId('model'), name ?? undefined);
    } finally {
      discardUpload(this.dataDir, source);
    }
  }

  /** Every imported base model with its layer table. */
  listImportedModels(): ImportedModelSummary[] {
    return listImportedModelSummaries(this.db);
  }

  private requireImported(id: string): DatasetRecord {
    if (builtinDataset(id)) throw new ImportError(`'${builtinDataset(id)!.summary.name}' is built in: it cannot be renamed or deleted`);
    const record = getDatasetRecord(this.db, id);
    if (!record) throw new NotFoundError(`No dataset with id '${id}'`);
    return record;
  }
}
