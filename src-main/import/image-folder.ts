import { extname } from 'node:path';
import type { DatasetFormat, ImportOptions } from '../../src-shared/datasets';
import { readAll, type FileInput } from './file-input';
import { decodeImage, type DecodedImage } from './image-decode';
import { convertChannels, resizeToUnit } from './image-resize';
import { ImportError } from './import-error';
import { checkSampleSize, importLimits, overLimit } from './limits';
import { batchRowsFor, type RowSink } from './sink';

/** An image file with its path below the dropped folder or archive (`cats/001.png`). */
export interface TreeFile {
  path: string;
  input: FileInput;
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);
const MAX_IMAGE_BYTES = 64 * 2 ** 20;
const JUNK = /(^|\/)(\.[^/]*|__MACOSX|Thumbs\.db|desktop\.ini)(\/|$)/i;

/** Whether a tree of files looks like one subfolder of images per class. */
export function looksLikeImageTree(files: TreeFile[]): boolean {
  return files.some((f) => IMAGE_EXT.has(extname(f.path).toLowerCase()) && f.path.includes('/'));
}

/** Drops wrapper folders every file shares (`archive/train/cats/1.png` → `cats/1.png`). */
function stripCommonFolders(files: TreeFile[]): TreeFile[] {
  let out = files;
  for (;;) {
    const first = out[0]?.path.split('/')[0];
    if (!first || !out.every((f) => f.path.split('/').length >= 3 && f.path.split('/')[0] === first)) return out;
    out = out.map((f) => ({ ...f, path: f.path.slice(first.length + 1) }));
  }
}

function describe(img: { width: number; height: number; channels: number }): string {
  return `${img.height}×${img.width} ${img.channels === 1 ? 'grey' : 'colour (RGB)'}`;
}

/**
 * Reads images from one subfolder per class (the folder name is the label), decoding PNG and JPEG
 * by content one at a time. Without a size (or colour) choice every image must match the first;
 * with one, each is resized (area average) or converted.
 */
export async function readImageTree(files: TreeFile[], where: string, format: DatasetFormat, options: ImportOptions, sink: RowSink): Promise<void> {
  const useful = stripCommonFolders(files.filter((f) => !JUNK.test(f.path)));
  const images = useful.filter((f) => IMAGE_EXT.has(extname(f.path).toLowerCase()));
  const skipped = useful.filter((f) => !IMAGE_EXT.has(extname(f.path).toLowerCase()));
  const loose = images.find((f) => !f.path.includes('/'));
  if (loose)
    throw new ImportError(`${where}: images must sit in one subfolder per class (the folder name is the label); '${loose.path}' is not in a class folder`);
  if (!images.length) throw new ImportError(`${where} holds no PNG or JPEG images in class subfolders`);
  const limits = importLimits();
  if (images.length > limits.maxSamples) throw overLimit('maxSamples', limits, `${where} holds ${images.length.toLocaleString('en')} images`);
  images.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const colour = options.colour ?? 'keep';
  let reference: (DecodedImage & { path: string }) | null = null;
  let shape: [number, number, number] = [0, 0, 0];
  let dim = 0;
  let batch = 1;
  let x = new Float32Array(0);
  let labels: string[] = [];
  const flush = () => {
    if (labels.length) sink.features(x.subarray(0, labels.length * dim), labels);
    x = new Float32Array(batch * dim);
    labels = [];
  };
  for (let i = 0; i < images.length; i++) {
    const file = images[i];
    const img = decodeImage(await readAll(file.input, MAX_IMAGE_BYTES), file.input.name);
    if (!reference) {
      reference = { ...img, path: file.path };
      const channels = colour === 'grey' ? 1 : colour === 'rgb' ? 3 : img.channels;
      shape = options.imageSize ? [options.imageSize[0], options.imageSize[1], channels] : [img.height, img.width, channels];
      // Without a chosen size the first image sets it: one huge photo would make every sample huge.
      if (options.imageSize) checkSampleSize({ shape, images: true }, `${where} at the chosen size`, limits, 'choose a smaller size');
      else checkSampleSize({ shape, images: true }, `${where}: ${file.path}`, limits, 'choose a size to resize the images to');
      dim = shape[0] * shape[1] * shape[2];
      batch = batchRowsFor(dim);
      x = new Float32Array(batch * dim);
      sink.start({ kind: 'images', format, shape, featureNames: [], columns: [], labelColumn: null, textColumn: null });
      if (skipped.length)
        sink.warn(
          `Skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'} that are not PNG or JPEG: ${skipped
            .slice(0, 3)
            .map((f) => f.path)
            .join(', ')}${skipped.length > 3 ? ', …' : ''}.`,
        );
    }
    if (colour === 'keep' && img.channels !== reference.channels) {
      throw new ImportError(
        `${where}: images differ in channels: ${reference.path} is ${describe(reference)}, ${file.path} is ${describe(img)}; choose grey or colour to convert them all`,
      );
    }
    if (!options.imageSize && (img.width !== reference.width || img.height !== reference.height)) {
      throw new ImportError(
        `${where}: images differ in size: ${reference.path} is ${describe(reference)}, ${file.path} is ${describe(img)}; choose a size to resize them all to`,
      );
    }
    const data = convertChannels(img.data, img.width * img.height, img.channels, shape[2] as 1 | 3);
    x.set(resizeToUnit(data, img.height, img.width, shape[2], shape[0], shape[1]), labels.length * dim);
    labels.push(file.path.split('/')[0]);
    if (labels.length === batch) flush();
    sink.progress((i + 1) / images.length);
  }
  flush();
}
