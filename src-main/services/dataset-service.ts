import type { DatasetPreview, DatasetSummary, ImportedModelSummary, ImportOptions, ImportProgress, ImportSource } from '../../src-shared/datasets';
import {
  classCounts,
  datasetName,
  datasetNameTaken,
  getDatasetRecord,
  listDatasetRecords,
  removeDataset,
  renameDatasetRecord,
  runsUsingDataset,
  type DatasetRecord,
} from '../db/datasets';
import { listImportedModelSummaries } from '../db/imported-models';
import type { Db } from '../db/types';
import { BUILTIN_IDS, builtinDataset, builtinName } from '../engine/data/builtin-datasets';
import { importDatasetAt, previewDatasetAt } from '../import/dataset-import';
import { ImportError } from '../import/import-error';
import { importModelAt } from '../import/models/model-import';
import { newId } from './ids';
import { discardUpload, resolveSource } from './uploads';

function summary(record: DatasetRecord): DatasetSummary {
  const { meta, counts: _counts, ...rest } = record;
  return { ...rest, builtin: false, classes: classCounts(record), featureNames: record.kind === 'tabular' ? meta.featureNames : [] };
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
    try {
      const record = await importDatasetAt(this.db, resolveSource(this.dataDir, source), options, newId('data'), (rows, fraction) =>
        progress('reading', rows, fraction),
      );
      discardUpload(this.dataDir, source);
      progress('done', record.n, 1);
      return summary(record);
    } catch (err) {
      progress('failed', 0, null, (err as Error).message);
      throw err;
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
    if (datasetNameTaken(this.db, trimmed, id)) throw new ImportError(`A dataset named '${trimmed}' already exists; choose another name`);
    renameDatasetRecord(this.db, id, trimmed);
    return summary(getDatasetRecord(this.db, id)!);
  }

  /** Deletes an imported dataset, refused while any run's config uses it. */
  deleteDataset(id: string): { deleted: string } {
    const record = this.requireImported(id);
    const runs = runsUsingDataset(this.db, id);
    if (runs.length) {
      const shown = runs.slice(0, 5).join(', ');
      throw new ImportError(
        `'${record.name}' is used by ${runs.length} run${runs.length === 1 ? '' : 's'} (${shown}${runs.length > 5 ? ', …' : ''}); delete those runs first`,
      );
    }
    removeDataset(this.db, id);
    return { deleted: id };
  }

  /** Imports a TensorFlow.js LayersModel as a base model. */
  async importModel(source: ImportSource, name: string | null): Promise<ImportedModelSummary> {
    const model = await importModelAt(this.db, resolveSource(this.dataDir, source), newId('model'), name ?? undefined);
    discardUpload(this.dataDir, source);
    return model;
  }

  /** Every imported base model with its layer table. */
  listImportedModels(): ImportedModelSummary[] {
    return listImportedModelSummaries(this.db);
  }

  private requireImported(id: string): DatasetRecord {
    if (builtinDataset(id)) throw new ImportError(`'${builtinDataset(id)!.summary.name}' is built in: it cannot be renamed or deleted`);
    const record = getDatasetRecord(this.db, id);
    if (!record) throw new ImportError(`No dataset with id '${id}'`);
    return record;
  }
}
