import { z } from 'zod';
import { pageRequestSchema } from './paging';

/** What a dataset holds: numeric feature rows, images (features with a [h, w, c] shape) or raw text. */
export type DatasetKind = 'tabular' | 'images' | 'text';

/** How a dataset arrived: the detected file format, or a built-in source. */
export type DatasetFormat = 'csv' | 'tsv' | 'image-folder' | 'image-zip' | 'jsonl' | 'text-csv' | 'npy-pair' | 'npz' | 'builtin';

/** Where the bytes to import are: a browser-mode upload (staged by `PUT /upload/…`) or a local path (Electron, CLI). */
export type ImportSource = { kind: 'upload'; id: string } | { kind: 'path'; path: string };

/** The field delimiters a CSV/TSV table may use (tab included). */
export const TABLE_DELIMITERS = [',', ';', '\t', '|'] as const;

/** One of the field delimiters of a CSV/TSV table. */
export type TableDelimiter = (typeof TABLE_DELIMITERS)[number];

/** Each delimiter as messages and the import panel name it. */
export const DELIMITER_NAMES: Record<TableDelimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/** Choices a researcher confirms before importing; everything has a default so a preview needs none. */
export interface ImportOptions {
  name?: string;
  /** Tabular and text tables: the column (or JSONL key) holding the label. */
  labelColumn?: string;
  /** Text tables: the column (or JSONL key) holding the text. */
  textColumn?: string;
  /** CSV/TSV tables: the field delimiter; detected from the first lines when absent or 'auto'. */
  delimiter?: TableDelimiter | 'auto';
  /** A CSV/TSV table is read as numeric features or as text classification; detected when absent. */
  tableKind?: 'tabular' | 'text';
  /** Images: [height, width] to resize every image to; absent means every image must already share one size. */
  imageSize?: [number, number];
  /** Images: keep the channels (every image must agree), or convert to grey (1 channel) or colour (3). */
  colour?: 'keep' | 'grey' | 'rgb';
  /** Fraction of each class held out for evaluation. */
  evalFraction?: number;
  /** Seed of the stratified split. */
  splitSeed?: number;
}

/** One class and how many samples it has. */
export interface ClassCount {
  label: string;
  count: number;
}

/** Sizes and recipe of a dataset's train/eval split. */
export interface SplitInfo {
  train: number;
  eval: number;
  seed: number;
  evalFraction: number;
  /** Every class is split in the same proportion (false only for unlabelled corpora). */
  stratified: boolean;
}

/** What an import would produce, shown before anything is stored. */
export interface DatasetPreview {
  format: DatasetFormat;
  kind: DatasetKind;
  /** How the format was recognised, e.g. "content: ZIP archive with .npy members". */
  detectedBy: string;
  suggestedName: string;
  n: number;
  /** [height, width, channels] of one sample; tabular rows are [1, features, 1]; [] for text. */
  shape: number[];
  /** Columns (or JSONL keys) a label or text can be chosen from; [] where not applicable. */
  columns: string[];
  /** Tables: the field delimiter the rows were read with (detected or chosen); null for other formats. */
  delimiter: TableDelimiter | null;
  labelColumn: string | null;
  textColumn: string | null;
  classes: ClassCount[];
  split: SplitInfo;
  /** Tabular: feature names and the first rows (features then label). */
  featureNames: string[];
  sampleRows: string[][];
  /** Images: a few samples per class as small PNG data URLs. */
  sampleImages: { label: string; dataUrl: string }[];
  /** Text: the first samples, shortened. */
  sampleTexts: { label: string; text: string }[];
  warnings: string[];
}

/** Feature names a dataset summary carries: a listing stays small however wide a table is. */
export const FEATURE_NAMES_LISTED = 64;

/** A dataset of the library (imported or built-in). */
export interface DatasetSummary {
  id: string;
  name: string;
  kind: DatasetKind;
  format: DatasetFormat;
  builtin: boolean;
  /** The file or folder name it was imported from, or the package it ships in. */
  origin: string;
  n: number;
  shape: number[];
  classes: ClassCount[];
  /** Tables: the names of the first FEATURE_NAMES_LISTED feature columns, in order (shape[1] counts them all); [] for images and text. */
  featureNames: string[];
  /** Tables: a fingerprint of every feature name in order ('' for images and text): two tables have the same features exactly when their keys are equal. */
  featuresKey: string;
  split: SplitInfo;
  createdAt: string;
}

/** Progress of one import, pushed as the `dataset-import-progress` event. */
export interface ImportProgress {
  /** The id the renderer chose when it started the import. */
  jobId: string;
  phase: 'reading' | 'storing' | 'done' | 'failed';
  rows: number;
  /** 0..1 of the bytes read, null when the size is unknown. */
  fraction: number | null;
  message: string | null;
}

/** One layer of an imported model as the model view lists it. */
export interface ModelLayerInfo {
  name: string;
  className: string;
  outputShape: (number | null)[];
  params: number;
  trainable: boolean;
  /** Dense and Conv2D kernels can carry a LoRA adapter. */
  loraAdaptable: boolean;
  /** The input, a backbone layer, the classification head, or a layer the engine skips (Dropout). */
  role: 'input' | 'backbone' | 'head' | 'skipped';
}

/** The tokenizer a Hugging Face checkpoint brought (read with @huggingface/tokenizers). */
export interface ModelTokenizerSummary {
  /** The files it was read from. */
  source: 'tokenizer.json' | 'vocab.txt' | 'vocab.json + merges.txt';
  /** The tokenizer model: BPE, WordPiece, Unigram, … */
  model: string;
  /** Tokens including added (special) ones. */
  vocabSize: number;
  specialTokens: string[];
  /** Id a batch is padded with (the pad token's, else the end-of-text token's, else 0). */
  padId: number;
}

/** A base model imported from a TensorFlow.js LayersModel or a Hugging Face checkpoint. */
export interface ImportedModelSummary {
  id: string;
  name: string;
  origin: string;
  /** [height, width, channels]; a flat input of f features is [1, f, 1]. */
  inputShape: number[];
  headLayer: string;
  /** Units of the head: the number of classes the model was trained on. */
  classes: number;
  paramCount: number;
  trainableParamCount: number;
  layers: ModelLayerInfo[];
  /** What the researcher should know, e.g. skipped Dropout layers. */
  warnings: string[];
  createdAt: string;
  /** Where it came from; absent: a TensorFlow.js LayersModel. */
  format?: 'tfjs-layers' | 'huggingface';
  /** A Hugging Face text model's family and tokenizer. */
  family?: 'gpt2' | 'bert';
  tokenizer?: ModelTokenizerSummary;
}

const sourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('upload'), id: z.string().regex(/^up-[0-9a-f]{16}$/, 'an upload id from PUT /upload') }),
  z.strictObject({ kind: z.literal('path'), path: z.string().min(1).max(4096) }),
]);

/** Import options as the API accepts them. */
/** A dataset's sample shape as the library shows it everywhere: "10 features" for a table, "28×28×1" for images, "text". */
export function datasetShapeText(d: Pick<DatasetSummary, 'kind' | 'shape'>): string {
  if (d.kind === 'text') return 'text';
  if (d.kind === 'tabular') return `${d.shape[1]} features`;
  return d.shape.join('×');
}

export const importOptionsSchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  labelColumn: z.string().min(1).max(200).optional(),
  textColumn: z.string().min(1).max(200).optional(),
  delimiter: z.enum([...TABLE_DELIMITERS, 'auto']).optional(),
  tableKind: z.enum(['tabular', 'text']).optional(),
  imageSize: z.tuple([z.number().int().min(1).max(1024), z.number().int().min(1).max(1024)]).optional(),
  colour: z.enum(['keep', 'grey', 'rgb']).optional(),
  evalFraction: z.number().min(0.01).max(0.9).optional(),
  splitSeed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
});

const datasetId = z.string().min(1).max(100);
const datasetName = z.string().trim().min(1, 'a name is needed').max(120);

/** Argument schemas of the dataset and model methods (merged into the contract's apiArgs). */
export const datasetApiArgs = {
  previewDataset: z.tuple([sourceSchema, importOptionsSchema]),
  importDataset: z.tuple([sourceSchema, importOptionsSchema, z.string().min(1).max(100)]),
  listDatasets: z.tuple([pageRequestSchema]),
  renameDataset: z.tuple([datasetId, datasetName]),
  deleteDataset: z.tuple([datasetId]),
  importModel: z.tuple([sourceSchema, datasetName.nullable()]),
  listImportedModels: z.tuple([]),
};
