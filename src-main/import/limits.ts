import { ImportError } from './import-error';

/**
 * Bounds on what an imported file can make RetainLab allocate or store. Every reader checks the
 * sizes a file declares against these before it allocates, so a small crafted file is refused
 * quickly instead of filling memory or the store. Each limit is raised (or lowered) by its
 * environment variable, read at every import (docs/import-limits.md).
 */
export interface ImportLimits {
  /** Columns of a CSV/TSV table, or features of a 2-D array. */
  maxColumns: number;
  /** Values in one image sample (height × width × channels) of an array. */
  maxSampleValues: number;
  /** Pixels of one PNG or JPEG file as its header declares them (before any resizing). */
  maxImagePixels: number;
  /** Distinct labels (classes) of a dataset. */
  maxClasses: number;
  /** Samples (rows) of a dataset: each costs memory for its label while importing. */
  maxSamples: number;
  /** Bytes of a features array (.npy), as its header declares them. */
  maxArrayBytes: number;
  /** Bytes of a labels array (.npy): read whole, so held in memory at once. */
  maxLabelBytes: number;
  /** Bytes an archive's members expand to, all together. */
  maxUnzippedBytes: number;
  /** Expanded size over compressed size, of one archive member and of the whole archive. */
  maxExpansionRatio: number;
}

interface LimitSpec {
  variable: string;
  fallback: number;
  /** Bytes limits are set in MiB; the rest as plain numbers. */
  unit: 'MiB' | 'columns' | 'values' | 'classes' | 'samples' | '×' | 'megapixels';
}

const MiB = 2 ** 20;

const SPECS: Record<keyof ImportLimits, LimitSpec> = {
  // Wide tables (genomics, bag-of-words) reach tens of thousands of columns; a million is a mistake or an attack.
  maxColumns: { variable: 'RETAINLAB_MAX_COLUMNS', fallback: 100_000, unit: 'columns' },
  // A 2048×2048 grey or 1024×1024 colour image: far beyond what the engine trains on.
  maxSampleValues: { variable: 'RETAINLAB_MAX_SAMPLE_VALUES', fallback: 4 * 2 ** 20, unit: 'values' },
  // Photos from phones and cameras (12-24 megapixels) are resized on import; a decoded pixel takes 4 bytes or more.
  maxImagePixels: { variable: 'RETAINLAB_MAX_IMAGE_MEGAPIXELS', fallback: 25e6, unit: 'megapixels' },
  maxClasses: { variable: 'RETAINLAB_MAX_CLASSES', fallback: 10_000, unit: 'classes' },
  // Ten times ImageNet's training set; the engine holds a dataset in memory to train on it.
  maxSamples: { variable: 'RETAINLAB_MAX_SAMPLES', fallback: 10_000_000, unit: 'samples' },
  maxArrayBytes: { variable: 'RETAINLAB_MAX_ARRAY_MB', fallback: 4096 * MiB, unit: 'MiB' },
  maxLabelBytes: { variable: 'RETAINLAB_MAX_LABEL_MB', fallback: 256 * MiB, unit: 'MiB' },
  maxUnzippedBytes: { variable: 'RETAINLAB_MAX_UNZIPPED_MB', fallback: 4096 * MiB, unit: 'MiB' },
  // Apache POI's zip-bomb guard uses the same 100:1; real data (pixels, sparse floats) deflates far less.
  maxExpansionRatio: { variable: 'RETAINLAB_MAX_EXPANSION_RATIO', fallback: 100, unit: '×' },
};

/** Members smaller than this are not held to the expansion ratio: tiny files of zeros deflate a lot and harm nobody. */
export const RATIO_EXEMPT_BYTES = MiB;

/** The limits in force: the defaults, each replaced by its environment variable where set. */
export function importLimits(env: NodeJS.ProcessEnv = process.env): ImportLimits {
  const out = {} as ImportLimits;
  for (const [key, spec] of Object.entries(SPECS) as [keyof ImportLimits, LimitSpec][]) {
    const raw = env[spec.variable];
    if (raw === undefined || raw.trim() === '') {
      out[key] = spec.fallback;
      continue;
    }
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new ImportError(`${spec.variable} must be a positive number${spec.unit === 'MiB' ? ' of MiB' : ''}, got '${raw}'`);
    out[key] = spec.unit === 'MiB' ? value * MiB : spec.unit === 'megapixels' ? value * 1e6 : value;
  }
  return out;
}

/** A limit as a message reads it: its value and the variable that raises it. */
function describeLimit(key: keyof ImportLimits, limits: ImportLimits): string {
  const spec = SPECS[key];
  const value = limits[key];
  const shown =
    spec.unit === 'MiB'
      ? `${+(value / MiB).toFixed(1)} MiB`
      : spec.unit === 'megapixels'
        ? `${+(value / 1e6).toFixed(1)} megapixels`
        : spec.unit === '×'
          ? `${value}×`
          : `${value.toLocaleString('en')} ${spec.unit}`;
  return `the limit is ${shown} (set the environment variable ${spec.variable} higher to import it anyway)`;
}

/** The refusal of a file over a limit: what is too large, the limit, and how to raise it. */
export function overLimit(key: keyof ImportLimits, limits: ImportLimits, what: string): ImportError {
  return new ImportError(`${what}; ${describeLimit(key, limits)}`);
}

/** Refuses a sample too large for the limits: a table of too many columns, an image of too many values (with `advice` on what to change). */
export function checkSampleSize(sample: { shape: [number, number, number]; images: boolean }, name: string, limits: ImportLimits, advice?: string): void {
  const values = sample.shape[0] * sample.shape[1] * sample.shape[2];
  const then = advice ? `: ${advice}` : '';
  if (!sample.images && values > limits.maxColumns)
    throw overLimit('maxColumns', limits, `${name} has ${values.toLocaleString('en')} features per sample${then}`);
  if (sample.images && values > limits.maxSampleValues)
    throw overLimit('maxSampleValues', limits, `${name} has ${values.toLocaleString('en')} values per image (${sample.shape.join('×')})${then}`);
}

/** Bytes as a message reads them (MiB or GiB above one MiB). */
export function formatBytes(bytes: number): string {
  if (bytes < MiB) return `${bytes.toLocaleString('en')} bytes`;
  return bytes < 1024 * MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${(bytes / 1024 / MiB).toFixed(2)} GiB`;
}
