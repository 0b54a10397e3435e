import type { DatasetSummary, ImportedModelSummary, ImportOptions } from '../../src-shared/datasets';
import { parseOrThrow } from '../../src-shared/validation';
import { importOptionsSchema } from '../../src-shared/datasets';
import { openStore } from '../db/connection';
import { DatasetService } from '../services/dataset-service';
import type { Args } from './args';
import type { CommonOptions } from './commands';

const DATASETS_USAGE = `usage: retainlab datasets import <path> [--name N] [--label-column C] [--text-column C] [--table-kind tabular|text]
                         [--image-size HxW] [--colour keep|grey|rgb] [--eval-fraction F] [--split-seed S] [--json]
       retainlab datasets list [--json]`;
const MODELS_USAGE = `usage: retainlab models import <model.json or folder> [--name N] [--json]
       retainlab models list [--json]`;

/** Import options from the command line, checked by the same schema as the API's. */
function importOptions(args: Args): ImportOptions {
  const get = (key: string) => {
    const v = args.flags.get(key);
    return typeof v === 'string' ? v : undefined;
  };
  const size = get('image-size');
  const sizeMatch = size ? /^(\d+)[x×](\d+)$/i.exec(size) : null;
  if (size && !sizeMatch) throw new Error(`--image-size must be HEIGHTxWIDTH, e.g. 28x28, got '${size}'`);
  const number = (key: string) => (get(key) === undefined ? undefined : Number(get(key)));
  const raw = {
    name: get('name'),
    labelColumn: get('label-column'),
    textColumn: get('text-column'),
    tableKind: get('table-kind'),
    imageSize: sizeMatch ? [Number(sizeMatch[1]), Number(sizeMatch[2])] : undefined,
    colour: get('colour'),
    evalFraction: number('eval-fraction'),
    splitSeed: number('split-seed'),
  };
  return parseOrThrow(importOptionsSchema, Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)), 'import options');
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
  const shape = d.kind === 'text' ? 'text' : d.shape.join('×');
  return `${d.id.padEnd(22)} ${d.name.padEnd(40)} ${d.kind.padEnd(8)} ${String(d.n).padStart(7)} rows  ${shape.padEnd(10)} ${d.classes.length} classes  train ${d.split.train} / eval ${d.split.eval}`;
}

function modelLine(m: ImportedModelSummary): string {
  return `${m.id.padEnd(20)} ${m.name.padEnd(30)} input ${m.inputShape.join('×').padEnd(10)} ${m.classes} classes  ${m.paramCount.toLocaleString('en')} parameters  head '${m.headLayer}'`;
}

/** `retainlab datasets import|list`. */
export async function datasetsCommand(args: Args, opts: CommonOptions): Promise<number> {
  const [, sub, path] = args.positional;
  if (sub === 'list') {
    const list = await withService(opts.dataDir, opts.json, async (s) => s.listDatasets());
    process.stdout.write(opts.json ? `${JSON.stringify(list, null, 2)}\n` : `${list.map(datasetLine).join('\n')}\n`);
    return 0;
  }
  if (sub !== 'import' || !path) throw new Error(DATASETS_USAGE);
  const options = importOptions(args);
  const dataset = await withService(opts.dataDir, opts.json, (s) => s.importDataset({ kind: 'path', path }, options, 'cli'));
  process.stdout.write(opts.json ? `${JSON.stringify(dataset, null, 2)}\n` : `imported ${datasetLine(dataset)}\n`);
  return 0;
}

/** `retainlab models import|list`. */
export async function modelsCommand(args: Args, opts: CommonOptions): Promise<number> {
  const [, sub, path] = args.positional;
  if (sub === 'list') {
    const list = await withService(opts.dataDir, opts.json, async (s) => s.listImportedModels());
    process.stdout.write(opts.json ? `${JSON.stringify(list, null, 2)}\n` : `${list.map(modelLine).join('\n')}\n`);
    return 0;
  }
  if (sub !== 'import' || !path) throw new Error(MODELS_USAGE);
  const name = args.flags.get('name');
  const model = await withService(opts.dataDir, opts.json, (s) => s.importModel({ kind: 'path', path }, typeof name === 'string' ? name : null));
  process.stdout.write(opts.json ? `${JSON.stringify(model, null, 2)}\n` : `imported ${modelLine(model)}\n`);
  return 0;
}
