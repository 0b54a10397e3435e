import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { DELIMITER_NAMES, type DatasetFormat, type ImportOptions, type TableDelimiter } from '../../src-shared/datasets';
import { readCsvTable } from './csv-table';
import { sniffDelimiter } from './delimiter';
import { diskFile, readHead, type FileInput } from './file-input';
import { looksLikeImageTree, readImageTree, type TreeFile } from './image-folder';
import { ImportError } from './import-error';
import { readJsonlText } from './jsonl-text';
import { checkNpyBytes, readNpyLayout } from './npy';
import { pickArrays, readNpyDataset } from './npy-dataset';
import type { RowSink } from './sink';
import { checkExtension, describeContent, sniff } from './sniff';
import { entryPath, openZip } from './zip-archive';

/** A recognised dataset source, ready to be streamed into a sink (for a preview or an import). */
export interface DatasetPlan {
  format: DatasetFormat;
  /** How it was recognised, for the preview. */
  detectedBy: string;
  /** Tables: the field delimiter (detected or chosen); null for other formats. */
  delimiter: TableDelimiter | null;
  /** The dropped file or folder's name. */
  origin: string;
  suggestedName: string;
  read(options: ImportOptions, sink: RowSink): Promise<void>;
  close(): void;
}

const MAX_TREE_FILES = 2_000_000;
/** Bytes of a text file the delimiter is guessed from: dozens of records of any sensible table. */
const SNIFF_BYTES = 64 * 1024;
const FORMATS_HINT =
  'RetainLab imports CSV/TSV tables, JSONL text, folders or .zip archives of images in one subfolder per class, x.npy + y.npy pairs and .npz archives';

/** Every regular file below a folder (symlinks are not followed), with `/`-separated relative paths. */
function walk(root: string): TreeFile[] {
  const out: TreeFile[] = [];
  const visit = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(join(dir, entry.name), path);
      else if (entry.isFile()) {
        if (out.length >= MAX_TREE_FILES) throw new ImportError(`${basename(root)} has more than ${MAX_TREE_FILES.toLocaleString('en')} files`);
        out.push({ path, input: diskFile(join(dir, entry.name), `${basename(root)}/${path}`) });
      }
    }
  };
  visit(root, '');
  return out;
}

function stemName(name: string): string {
  return basename(name, extname(name)) || name;
}

async function planFolder(path: string): Promise<DatasetPlan> {
  const origin = basename(path);
  const files = walk(path);
  const npys = files.filter((f) => !f.path.includes('/') && extname(f.path).toLowerCase() === '.npy');
  const base = { origin, suggestedName: origin, delimiter: null, close: () => {} };
  if (npys.length >= 2) {
    const { x, y } = pickArrays(
      npys.map((f) => f.input),
      origin,
    );
    return {
      ...base,
      format: 'npy-pair',
      detectedBy: `folder with ${basename(x.name)} and ${basename(y.name)}`,
      read: (_o, sink) => readNpyDataset(x, y, 'npy-pair', sink),
    };
  }
  if (looksLikeImageTree(files)) {
    return {
      ...base,
      format: 'image-folder',
      detectedBy: 'folder of images in class subfolders',
      read: (o, sink) => readImageTree(files, origin, 'image-folder', o, sink),
    };
  }
  if (!files.length) throw new ImportError(`${origin} is an empty folder`);
  refuseModel(origin, files);
  throw new ImportError(`${origin} holds neither class subfolders of PNG/JPEG images nor x.npy and y.npy; ${FORMATS_HINT}`);
}

/** A model (a Hugging Face checkpoint, a TensorFlow.js model) given as data: said so, since the list of dataset formats would not tell. */
function refuseModel(origin: string, files: { path: string }[]): void {
  if (files.some((f) => /(^|\/)(model\.json|[^/]*\.safetensors)$/.test(f.path)))
    throw new ImportError(`${origin} holds a model (model.json or safetensors), not a dataset: import it as a base model under “Base models”`);
}

async function planZip(path: string): Promise<DatasetPlan> {
  const origin = basename(path);
  const zip = await openZip(path, origin);
  try {
    const npys = zip.entries.filter((e) => extname(e.name).toLowerCase() === '.npy');
    if (npys.length) {
      const { x, y } = pickArrays(npys, origin);
      return {
        format: 'npz',
        detectedBy: `content: ZIP archive with ${basename(x.name)} and ${basename(y.name)} (.npz)`,
        delimiter: null,
        origin,
        suggestedName: stemName(origin),
        read: (_o, sink) => readNpyDataset(x, y, 'npz', sink),
        close: zip.close,
      };
    }
    const files = zip.entries.map((input) => ({ path: entryPath(origin, input), input }));
    if (looksLikeImageTree(files)) {
      return {
        format: 'image-zip',
        detectedBy: 'content: ZIP archive of images in class folders',
        delimiter: null,
        origin,
        suggestedName: stemName(origin),
        read: (o, sink) => readImageTree(files, origin, 'image-zip', o, sink),
        close: zip.close,
      };
    }
    refuseModel(origin, files);
    throw new ImportError(`${origin} is a zip without .npy arrays or class folders of images; ${FORMATS_HINT}`);
  } catch (err) {
    zip.close();
    throw err;
  }
}

/** A text file as a table: the chosen delimiter, else the one its first records agree on. */
async function planTable(
  input: FileInput,
  ext: string,
  options: ImportOptions,
): Promise<{ format: DatasetFormat; detectedBy: string; delimiter: TableDelimiter }> {
  const chosen = options.delimiter && options.delimiter !== 'auto' ? options.delimiter : null;
  const preferred: TableDelimiter | undefined = ext === '.tsv' ? '\t' : ext === '.csv' ? ',' : undefined;
  let delimiter = chosen;
  if (!delimiter) {
    const head = await readHead(input, SNIFF_BYTES);
    // A character cut at the end only spoils the last, incomplete record, which the sniffer drops.
    const text = head.toString('utf8').replace(/^\uFEFF/, '');
    delimiter = sniffDelimiter(text, head.length < SNIFF_BYTES, preferred) ?? preferred ?? ',';
  }
  return {
    format: delimiter === '\t' ? 'tsv' : 'csv',
    detectedBy: chosen ? `${DELIMITER_NAMES[chosen]}-separated text (the delimiter chosen)` : `content: ${DELIMITER_NAMES[delimiter]}-separated text`,
    delimiter,
  };
}

/** Refuses a lone .npy, saying first whether it is truncated (the more useful news). */
async function refuseLoneNpy(input: FileInput): Promise<never> {
  checkNpyBytes(input, await readNpyLayout(input), null);
  throw new ImportError(`${input.name} holds one array; drop x.npy and y.npy together (or a folder with both), or an .npz with x and y`);
}

/**
 * Recognises what was dropped, by content (magic bytes) and not only by extension, and plans how
 * to read it. The options matter only where they change the reading plan (a table's delimiter).
 */
export async function planDataset(path: string, options: ImportOptions = {}): Promise<DatasetPlan> {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new ImportError(`${path} does not exist`);
  }
  if (isDir) return planFolder(path);
  const input = diskFile(path);
  const type = sniff(await readHead(input));
  checkExtension(input.name, type);
  const ext = extname(input.name).toLowerCase();
  const base = { origin: input.name, suggestedName: stemName(input.name), delimiter: null, close: () => {} };
  switch (type) {
    case 'zip':
      return planZip(path);
    case 'png':
    case 'jpeg':
      throw new ImportError(`${input.name} is a single image; a dataset is a folder (or .zip) with one subfolder of images per class`);
    case 'npy':
      return refuseLoneNpy(input);
    case 'text': {
      const head = (await readHead(input, 4096)).toString('utf8');
      const jsonlExt = ext === '.jsonl' || ext === '.ndjson' || ext === '.json';
      if (jsonlExt || (!(options.delimiter && options.delimiter !== 'auto') && head.trimStart().startsWith('{'))) {
        return { ...base, format: 'jsonl', detectedBy: 'content: one JSON object per line (JSONL)', read: (o, sink) => readJsonlText(input, o, sink) };
      }
      const table = await planTable(input, ext, options);
      return { ...base, ...table, read: (o, sink) => readCsvTable(input, table.delimiter, o, sink) };
    }
    default:
      throw new ImportError(`${input.name} is ${describeContent(type)}; ${FORMATS_HINT}`);
  }
}
