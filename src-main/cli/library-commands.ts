import { existsSync } from 'node:fs';
import type { DatasetSummary, ImportedModelSummary, ImportOptions } from '../../src-shared/datasets';
import { parseOrThrow } from '../../src-shared/validation';
import { datasetShapeText, importOptionsSchema } from '../../src-shared/datasets';
import { openStore } from '../db/connection';
import { DatasetService } from '../services/dataset-service';
import { commonOptions, defineCommand, JSON_OPTION, type Command, type OptionValues } from './command-line';

const IMPORT_OPTIONS = {
  name: { type: 'string', placeholder: 'N', help: 'its name in the library (default: the file name, numbered if taken)' },
  'label-column': { type: 'string', placeholder: 'C', help: 'the label column (default: one named like a label, else the last)' },
  'text-column': { type: 'string', placeholder: 'C', help: 'the text column of a table of texts' },
  delimiter: {
    type: 'string',
    placeholder: 'auto|,|;|tab|pipe',
    help: "a table's field delimiter: comma, semicolon, tab or pipe (default auto: detected from the first lines)",
  },
  'table-kind': { type: 'string', placeholder: 'tabular|text', help: 'numeric features or texts (default: guessed from the values)' },
  'image-size': { type: 'string', placeholder: 'HxW', help: 'resize images to HEIGHTxWIDTH, e.g. 28x28' },
  colour: { type: 'string', placeholder: 'keep|grey|rgb', help: 'colour of the stored images (default: keep)' },
  'eval-fraction': { type: 'string', placeholder: 'F', help: 'share of each class held out for evaluation (default 0.2)' },
  'split-seed': { type: 'string', placeholder: 'S', help: 'seed of the train/eval split (default 0)' },
  json: JSON_OPTION,
} as const;

/** --delimiter values: names a shell passes easily (a tab or a pipe is awkward to quote), or the character itself. */
const DELIMITERS: Record<string, ImportOptions['delimiter']> = {
  auto: 'auto',
  comma: ',',
  ',': ',',
  semicolon: ';',
  ';': ';',
  tab: '\t',
  '\\t': '\t',
  '\t': '\t',
  pipe: '|',
  '|': '|',
};

/** Import options from the command line, checked by the same schema as the API's. */
function importOptions(values: OptionValues<typeof IMPORT_OPTIONS>): ImportOptions {
  const size = values['image-size'];
  const sizeMatch = size ? /^(\d+)[x×](\d+)$/i.exec(size) : null;
  if (size && !sizeMatch) throw new Error(`--image-size must be HEIGHTxWIDTH, e.g. 28x28, got '${size}'`);
  const number = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const delimiter = values.delimiter === undefined ? undefined : DELIMITERS[values.delimiter.toLowerCase()];
  if (values.delimiter !== undefined && !delimiter)
    throw new Error(`--delimiter must be auto, comma (,), semicolon (;), tab or pipe (|), got '${values.delimiter}'`);
  const raw = {
    name: values.name,
    labelColumn: values['label-column'],
    textColumn: values['text-column'],
    delimiter,
    tableKind: values['table-kind'],
    imageSize: sizeMatch ? [Number(sizeMatch[1]), Number(sizeMatch[2])] : undefined,
    colour: values.colour,
    evalFraction: number(values['eval-fraction']),
    splitSeed: number(values['split-seed']),
  };
  return parseOrThrow(importOptionsSchema, Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)), 'import options');
}

/** Refuses a path that is not there before anything is opened or printed (no "reading: 0%" ahead of the error). */
function requireExisting(path: string): void {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
}

function withService<T>(dataDir: string, json: boolean, work: (service: DatasetService) => Promise<T>): Promise<T> {
  const db = openStore(dataDir);
  let shown = -1;
  const service = new DatasetService(db, dataDir, (p) => {
    if (json || p.phase !== 'reading' || p.fraction === null) return;
    const tenth = Math.floor(p.fraction * 10);
    if (tenth > shown) {
      shown = tenth;
      process.stderr.write(`reading: ${Math.round(p.fraction * 100)}% (${p.rows.toLocaleString('en')} rows)\n`);
    }
  });
  return work(service).finally(() => db.close());
}

function datasetLine(d: DatasetSummary): string {
  return `${d.id.padEnd(22)} ${d.name.padEnd(40)} ${d.kind.padEnd(8)} ${String(d.n).padStart(7)} rows  ${datasetShapeText(d).padEnd(12)} ${d.classes.length} classes  train ${d.split.train} / eval ${d.split.eval}`;
}

function modelLine(m: ImportedModelSummary): string {
  return `${m.id.padEnd(20)} ${m.name.padEnd(30)} input ${m.inputShape.join('×').padEnd(10)} ${m.classes} classes  ${m.paramCount.toLocaleString('en')} parameters  head '${m.headLayer}'`;
}

/** `retainlab datasets import|list`. */
export const DATASET_COMMANDS: Command[] = [
  defineCommand(
    {
      name: 'datasets import',
      positionals: ['<path>'],
      summary: 'import a CSV/TSV, JSONL, image folder or zip, .npy pair or .npz into the dataset library',
      options: IMPORT_OPTIONS,
    },
    async ({ positionals: [path], values }) => {
      const opts = commonOptions(values);
      const options = importOptions(values);
      requireExisting(path);
      const dataset = await withService(opts.dataDir, opts.json, (s) => s.importDataset({ kind: 'path', path }, options, 'cli'));
      process.stdout.write(opts.json ? `${JSON.stringify(dataset, null, 2)}\n` : `imported ${datasetLine(dataset)}\n`);
      return 0;
    },
  ),
  defineCommand({ name: 'datasets list', summary: 'list the datasets in the library', options: { json: JSON_OPTION } }, async ({ values }) => {
    const opts = commonOptions(values);
    const list = await withService(opts.dataDir, opts.json, async (s) => s.listDatasets());
    process.stdout.write(opts.json ? `${JSON.stringify(list, null, 2)}\n` : `${list.map(datasetLine).join('\n')}\n`);
    return 0;
  }),
];

/** `retainlab models import|list`. */
export const MODEL_COMMANDS: Command[] = [
  defineCommand(
    {
      name: 'models import',
      positionals: ['<model.json|folder|zip>'],
      summary: 'import a TensorFlow.js LayersModel or a Hugging Face GPT-2/BERT checkpoint (config.json + safetensors + tokenizer) as a base model',
      options: { name: { type: 'string', placeholder: 'N', help: 'its name in the library (default: the file name)' }, json: JSON_OPTION },
    },
    async ({ positionals: [path], values }) => {
      const opts = commonOptions(values);
      requireExisting(path);
      const model = await withService(opts.dataDir, opts.json, (s) => s.importModel({ kind: 'path', path }, values.name ?? null));
      process.stdout.write(opts.json ? `${JSON.stringify(model, null, 2)}\n` : `imported ${modelLine(model)}\n`);
      return 0;
    },
  ),
  defineCommand({ name: 'models list', summary: 'list the imported base models', options: { json: JSON_OPTION } }, async ({ values }) => {
    const opts = commonOptions(values);
    const list = await withService(opts.dataDir, opts.json, async (s) => s.listImportedModels());
    process.stdout.write(opts.json ? `${JSON.stringify(list, null, 2)}\n` : `${list.map(modelLine).join('\n')}\n`);
    return 0;
  }),
];
