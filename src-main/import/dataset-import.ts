import type { DatasetPreview, ImportOptions } from '../../src-shared/datasets';
import { datasetNameTaken, finishDatasetImport, getDatasetRecord, removeDataset, type DatasetRecord } from '../db/datasets';
import type { Db } from '../db/types';
import { DEFAULT_EVAL_FRACTION } from '../store-read/split';
import { DatasetAssembler, type AssembledDataset } from './assemble';
import { planDataset, type DatasetPlan } from './detect';
import { ImportError } from './import-error';
import { samplePngDataUrl } from './sample-png';
import { StoreWriter } from './store-writer';

/** Progress of an import as rows are read. */
export type ProgressListener = (rows: number, fraction: number | null) => void;

function throttled(listener: ProgressListener): ProgressListener {
  let last = 0;
  return (rows, fraction) => {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    listener(rows, fraction);
  };
}

async function assemble(plan: DatasetPlan, options: ImportOptions, assembler: DatasetAssembler): Promise<AssembledDataset> {
  try {
    await plan.read(options, assembler);
  } finally {
    plan.close();
  }
  return assembler.finish(options.evalFraction ?? DEFAULT_EVAL_FRACTION, options.splitSeed ?? 0);
}

/** Reads a dropped file or folder completely (every row checked) and describes what an import would store; stores nothing. */
export async function previewDatasetAt(path: string, options: ImportOptions): Promise<DatasetPreview> {
  const plan = await planDataset(path, options);
  const a = await assemble(plan, options, new DatasetAssembler(plan.origin, null));
  const h = a.header;
  return {
    format: h.format,
    kind: h.kind,
    detectedBy: plan.detectedBy,
    suggestedName: options.name ?? plan.suggestedName,
    n: a.n,
    shape: h.shape,
    columns: h.columns,
    delimiter: plan.delimiter,
    labelColumn: h.labelColumn,
    textColumn: h.textColumn,
    classes: a.classNames.map((label, i) => ({ label, count: a.counts[i] })),
    split: a.splitInfo,
    featureNames: h.featureNames.slice(0, 12),
    sampleRows: a.sampleRows,
    sampleImages: a.sampleImages.map((s) => ({ label: s.label, dataUrl: samplePngDataUrl(s.x, h.shape) })),
    sampleTexts: a.sampleTexts,
    warnings: a.warnings,
  };
}

/** The name to store under: the chosen one (which must be free) or the suggestion made unique with a number. */
function chooseName(db: Db, chosen: string | undefined, suggested: string): string {
  if (chosen) {
    if (datasetNameTaken(db, chosen)) throw new ImportError(`A dataset named '${chosen}' already exists; choose another name`);
    return chosen;
  }
  let name = suggested;
  for (let k = 2; datasetNameTaken(db, name); k++) name = `${suggested} (${k})`;
  return name;
}

/**
 * Imports a dropped file or folder into the library under `id`: rows stream into the store as
 * they are read, and the dataset becomes visible only when every row was read and checked. On any
 * error the partial rows are removed, so the store is as it was.
 */
export async function importDatasetAt(
  db: Db,
  path: string,
  options: ImportOptions,
  id: string,
  onProgress: ProgressListener = () => {},
): Promise<DatasetRecord> {
  const plan = await planDataset(path, options);
  if (options.name) chooseName(db, options.name, plan.suggestedName);
  try {
    const a = await assemble(plan, options, new DatasetAssembler(plan.origin, new StoreWriter(db, id, plan.origin), throttled(onProgress)));
    finishDatasetImport(db, id, {
      name: chooseName(db, options.name, plan.suggestedName),
      n: a.n,
      shape: a.header.shape,
      counts: a.counts,
      labels: a.y,
      split: a.split,
      splitInfo: a.splitInfo,
      meta: {
        classNames: a.classNames,
        numericLabels: a.numericLabels,
        featureNames: a.header.featureNames,
        labelColumn: a.header.labelColumn,
        textColumn: a.header.textColumn,
        warnings: a.warnings,
      },
    });
  } catch (err) {
    removeDataset(db, id);
    throw err;
  }
  return getDatasetRecord(db, id)!;
}
