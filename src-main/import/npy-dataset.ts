import { basename } from 'node:path';
import type { DatasetFormat } from '../../src-shared/datasets';
import type { FileInput } from './file-input';
import { ImportError } from './import-error';
import { checkSampleSize, importLimits } from './limits';
import { checkNpyBytes, readNpyLabels, readNpyLayout, readNpyRows, type NpyHeader } from './npy';
import type { RowSink } from './sink';

const X_STEMS = ['x', 'features', 'data', 'images', 'inputs', 'x_train', 'arr_0'];
const Y_STEMS = ['y', 'labels', 'targets', 'classes', 'y_train', 'arr_1'];

function stem(input: FileInput): string {
  return basename(input.name).replace(/\.npy$/i, '');
}

/** Picks the features and labels arrays by name: x/y (also features/labels, x_train/y_train, or numpy's positional arr_0/arr_1). */
export function pickArrays(inputs: FileInput[], where: string): { x: FileInput; y: FileInput } {
  const find = (stems: string[]) => stems.map((s) => inputs.find((i) => stem(i).toLowerCase() === s)).find(Boolean);
  const x = find(X_STEMS);
  const y = find(Y_STEMS);
  if (!x || !y) {
    const names = inputs.map((i) => `${stem(i)}.npy`).join(', ');
    throw new ImportError(`${where} holds ${names || 'no .npy arrays'}: name the features x and the labels y (np.savez(path, x=X, y=Y), or x.npy and y.npy)`);
  }
  return { x, y };
}

/** [height, width, channels] of one sample of an x array, and whether it is an image set. */
function sampleShape(h: NpyHeader, name: string): { shape: [number, number, number]; images: boolean } {
  const s = h.shape;
  if (s.length === 2) return { shape: [1, s[1], 1], images: false };
  if (s.length === 3) return { shape: [s[1], s[2], 1], images: true };
  if (s.length === 4 && (s[3] === 1 || s[3] === 3)) return { shape: [s[1], s[2], s[3]], images: true };
  throw new ImportError(
    `${name} has shape (${s.join(', ')}): features need shape (n, features), (n, height, width) or (n, height, width, channels) with 1 or 3 channels`,
  );
}

function countMismatch(xName: string, samples: number, yName: string, labels: number): ImportError {
  return new ImportError(`${xName} has ${samples.toLocaleString('en')} samples but ${yName} has ${labels.toLocaleString('en')} labels: they must match`);
}

/**
 * Reads a features array and a labels array (a .npy pair or the members of an .npz). uint8
 * images are scaled to [0, 1]; other dtypes are taken as they are. Both headers are checked
 * against the bytes present and the limits before any data is read.
 */
export async function readNpyDataset(x: FileInput, y: FileInput, format: DatasetFormat, sink: RowSink): Promise<void> {
  const limits = importLimits();
  const yLayout = await readNpyLayout(y);
  checkNpyBytes(y, yLayout, 'maxLabelBytes', limits);
  const xLayout = await readNpyLayout(x);
  checkNpyBytes(x, xLayout, 'maxArrayBytes', limits);
  if (xLayout.header.shape.length >= 2 && xLayout.header.kind !== 'U') checkSampleSize(sampleShape(xLayout.header, x.name), x.name, limits);
  // Both counts are known from the headers: a mismatch is refused before the labels are read.
  const [samples, declared] = [xLayout.header.shape[0], yLayout.header.shape[0]];
  if (samples !== undefined && declared !== undefined && samples !== declared) throw countMismatch(x.name, samples, y.name, declared);
  const labels = await readNpyLabels(await y.open(), y.name, limits);
  let rows = 0;
  let dim = 0;
  // Only uint8 pixels are rescaled (to [0, 1]); the header decides.
  const scaleFor = (h: NpyHeader) => (sampleShape(h, x.name).images && h.descr.endsWith('u1') ? 1 / 255 : 1);
  for await (const item of readNpyRows(await x.open(), x.name, scaleFor)) {
    if (!(item instanceof Float32Array)) {
      // Counts and sample size were checked from the headers above.
      const sample = sampleShape(item, x.name);
      const { images } = sample;
      dim = sample.shape[0] * sample.shape[1] * sample.shape[2];
      sink.start({
        kind: images ? 'images' : 'tabular',
        format,
        shape: sample.shape,
        featureNames: images ? [] : Array.from({ length: dim }, (_, i) => `x${i}`),
        columns: [],
        labelColumn: null,
        textColumn: null,
      });
      if (images && scaleFor(item) === 1)
        sink.warn(`${basename(x.name)} holds ${item.descr} values, taken as they are; images are expected in [0, 1] (uint8 arrays are scaled by 1/255).`);
      continue;
    }
    const count = item.length / dim;
    sink.features(item, labels.slice(rows, rows + count));
    rows += count;
    sink.progress(rows / labels.count);
  }
}
