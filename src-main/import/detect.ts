import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { DatasetFormat, ImportOptions } from '../../src-shared/datasets';
import { readCsvTable } from './csv-table';
import { diskFile, readHead } from './file-input';
import { looksLikeImageTree, readImageTree, type TreeFile } from './image-folder';
import { ImportError } from './import-error';
import { readJsonlText } from './jsonl-text';
import { pickArrays, readNpyDataset } from './npy-dataset';
import type { RowSink } from './sink';
import { checkExtension, describeContent, sniff } from './sniff';
import { entryPath, openZip } from './zip-archive';

/** A recognised dataset source, ready to be streamed into a sink (for a preview or an import). */
export interface DatasetPlan {
  format: DatasetFormat;
  /** How it was recognised, for the preview. */
  detectedBy: string;
  /** The dropped file or folder's name. */
  origin: string;
  suggestedName: string;
  read(options: ImportOptions, sink: RowSink): Promise<void>;
  close(): void;
}

const MAX_TREE_FILES = 2_000_000;
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
  const base = { origin, suggestedName: origin, close: () => {} };
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
  throw new ImportError(`${origin} holds neither class subfolders of PNG/JPEG images nor x.npy and y.npy; ${FORMATS_HINT}`);
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
        origin,
        suggestedName: stemName(origin),
        read: (o, sink) => readImageTree(files, origin, 'image-zip', o, sink),
        close: zip.close,
      };
    }
    throw new ImportError(`${origin} is a zip without .npy arrays or class folders of images; ${FORMATS_HINT}`);
  } catch (err) {
    zip.close();
    throw err;
  }
}

/** Recognises what was dropped, by content (magic bytes) and not only by extension, and plans how to read it. */
export async function planDataset(path: string): Promise<DatasetPlan> {
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
  const base = { origin: input.name, suggestedName: stemName(input.name), close: () => {} };
  switch (type) {
    case 'zip':
      return planZip(path);
    case 'png':
    case 'jpeg':
      throw new ImportError(`${input.name} is a single image; a dataset is a folder (or .zip) with one subfolder of images per class`);
    case 'npy':
      throw new ImportError(`${input.name} holds one array; drop x.npy and y.npy together (or a folder with both), or an .npz with x and y`);
    case 'text': {
      const head = (await readHead(input, 4096)).toString('utf8');
      if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json' || head.trimStart().startsWith('{')) {
        return { ...base, format: 'jsonl', detectedBy: 'content: one JSON object per line (JSONL)', read: (o, sink) => readJsonlText(input, o, sink) };
      }
      const firstLine = head.split('\n')[0];
      const tabs = firstLine.split('\t').length;
      const commas = firstLine.split(',').length;
      const delimiter = ext === '.tsv' || (ext !== '.csv' && tabs > commas) ? '\t' : ',';
      return {
        ...base,
        format: delimiter === '\t' ? 'tsv' : 'csv',
        detectedBy: `content: ${delimiter === '\t' ? 'tab' : 'comma'}-separated text`,
        read: (o, sink) => readCsvTable(input, delimiter, o, sink),
      };
    }
    default:
      throw new ImportError(`${input.name} is ${describeContent(type)}; ${FORMATS_HINT}`);
  }
}
