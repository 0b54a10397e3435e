import type { SplitInfo } from '../../src-shared/datasets';
import { LabelCollector } from '../store-read/labels';
import { stratifiedSplit } from '../store-read/split';
import { ImportError } from './import-error';
import { importLimits, overLimit, type ImportLimits } from './limits';
import type { RowSink, StreamHeader } from './sink';

/** Where an import writes the rows as they stream (absent for a preview). */
export interface RowWriter {
  start(header: StreamHeader): void;
  features(x: Float32Array, firstRow: number, rows: number): void;
  texts(texts: string[], firstRow: number): void;
}

/** Everything known once every row was read: classes, split, samples and warnings. */
export interface AssembledDataset {
  header: StreamHeader;
  n: number;
  classNames: string[];
  numericLabels: boolean;
  y: Int32Array;
  counts: number[];
  split: Uint8Array;
  splitInfo: SplitInfo;
  warnings: string[];
  sampleRows: string[][];
  sampleImages: { label: string; x: Float32Array }[];
  sampleTexts: { label: string; text: string }[];
}

const SAMPLE_ROWS = 8;
const IMAGES_PER_CLASS = 4;
const MAX_SAMPLE_IMAGES = 48;
const SAMPLE_TEXTS = 6;

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, '');
}

/**
 * The sink every format reader streams into: it checks values, gathers labels, keeps a few samples
 * for the preview and (for an import) hands rows to the store as they come, so memory stays bounded.
 */
export class DatasetAssembler implements RowSink {
  private header: StreamHeader | null = null;
  private n = 0;
  private readonly labels = new LabelCollector();
  private readonly warnings: string[] = [];
  private mins: Float64Array | null = null;
  private maxs: Float64Array | null = null;
  private valueMin = Infinity;
  private valueMax = -Infinity;
  private readonly sampleRows: string[][] = [];
  private readonly sampleImages: { label: string; x: Float32Array }[] = [];
  private readonly imagesPerLabel = new Map<string, number>();
  private readonly sampleTexts: { label: string; text: string }[] = [];
  private readonly limits: ImportLimits = importLimits();

  constructor(
    private readonly origin: string,
    private readonly writer: RowWriter | null,
    private readonly onProgress: (rows: number, fraction: number | null) => void = () => {},
  ) {}

  start(header: StreamHeader): void {
    this.header = header;
    this.writer?.start(header);
    if (header.kind === 'tabular') {
      const dim = header.shape[1];
      this.mins = new Float64Array(dim).fill(Infinity);
      this.maxs = new Float64Array(dim).fill(-Infinity);
    }
  }

  features(x: Float32Array, labels: string[]): void {
    this.countSamples(labels.length);
    const header = this.header!;
    const dim = x.length / labels.length;
    for (let r = 0; r < labels.length; r++) {
      const row = r * dim;
      for (let k = 0; k < dim; k++) {
        const v = x[row + k];
        if (!Number.isFinite(v))
          throw new ImportError(`${this.origin}: sample ${this.n + r + 1} has ${v} at feature ${k + 1}; replace NaN/Inf values before importing`);
        if (v < this.valueMin) this.valueMin = v;
        if (v > this.valueMax) this.valueMax = v;
        if (this.mins) {
          if (v < this.mins[k]) this.mins[k] = v;
          if (v > this.maxs![k]) this.maxs![k] = v;
        }
      }
      const label = labels[r];
      this.addLabel(label);
      if (header.kind === 'tabular' && this.sampleRows.length < SAMPLE_ROWS)
        this.sampleRows.push([...Array.from(x.subarray(row, row + Math.min(dim, 12)), fmt), label]);
      if (header.kind === 'images' && this.sampleImages.length < MAX_SAMPLE_IMAGES && (this.imagesPerLabel.get(label) ?? 0) < IMAGES_PER_CLASS) {
        this.imagesPerLabel.set(label, (this.imagesPerLabel.get(label) ?? 0) + 1);
        this.sampleImages.push({ label, x: x.slice(row, row + dim) });
      }
    }
    this.writer?.features(x, this.n, labels.length);
    this.n += labels.length;
  }

  texts(texts: string[], labels: string[]): void {
    this.countSamples(labels.length);
    labels.forEach((label, i) => {
      this.addLabel(label);
      if (this.sampleTexts.length < SAMPLE_TEXTS) this.sampleTexts.push({ label, text: texts[i].length > 280 ? `${texts[i].slice(0, 280)}…` : texts[i] });
    });
    this.writer?.texts(texts, this.n);
    this.n += labels.length;
  }

  /** Refuses the file as soon as its rows would pass the sample limit (before they are stored). */
  private countSamples(more: number): void {
    if (this.n + more > this.limits.maxSamples)
      throw overLimit('maxSamples', this.limits, `${this.origin}: more than ${this.limits.maxSamples.toLocaleString('en')} samples`);
  }

  /** Gathers a label, refusing the file as soon as it has more classes than the limit (before more rows are stored). */
  private addLabel(label: string): void {
    this.labels.add(label);
    if (this.labels.distinct > this.limits.maxClasses) {
      const column = this.header?.labelColumn ? ` in '${this.header.labelColumn}'` : '';
      throw overLimit(
        'maxClasses',
        this.limits,
        `${this.origin}: more than ${this.limits.maxClasses.toLocaleString('en')} different labels${column} (is that really the label column?)`,
      );
    }
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  progress(fraction: number | null): void {
    this.onProgress(this.n, fraction);
  }

  /** Checks the whole set (samples, at least two classes), sorts the classes, splits and lists warnings. */
  finish(evalFraction: number, seed: number): AssembledDataset {
    const header = this.header;
    if (!header || this.n === 0) throw new ImportError(`${this.origin} has no samples`);
    const { classNames, numeric, y, counts } = this.labels.finish();
    if (classNames.length < 2) {
      const where = header.labelColumn ? ` in column '${header.labelColumn}'` : '';
      throw new ImportError(
        `${this.origin}: every sample has the label '${classNames[0]}'${where}; a classifier needs at least two classes${header.columns.length > 2 ? ' (is the label column right?)' : ''}`,
      );
    }
    const split = stratifiedSplit(y, classNames.length, evalFraction, seed);
    const evalCount = split.reduce((a, b) => a + b, 0);
    return {
      header,
      n: this.n,
      classNames,
      numericLabels: numeric,
      y,
      counts,
      split,
      splitInfo: { train: this.n - evalCount, eval: evalCount, seed, evalFraction, stratified: true },
      warnings: [...this.warnings, ...this.classWarnings(classNames, counts, header), ...this.valueWarnings(header)],
      sampleRows: this.sampleRows,
      sampleImages: this.sampleImages,
      sampleTexts: this.sampleTexts,
    };
  }

  private classWarnings(names: string[], counts: number[], header: StreamHeader): string[] {
    const out: string[] = [];
    const most = counts.indexOf(Math.max(...counts));
    const least = counts.indexOf(Math.min(...counts));
    if (counts[most] >= 5 * counts[least]) {
      out.push(
        `Classes are imbalanced: '${names[most]}' has ${counts[most]} samples, '${names[least]}' has ${counts[least]} (${(counts[most] / counts[least]).toFixed(1)}×); accuracy will favour the large classes.`,
      );
    }
    const single = names.filter((_, i) => counts[i] < 2);
    if (single.length)
      out.push(
        `${single.length} class${single.length === 1 ? '' : 'es'} (${single
          .slice(0, 3)
          .map((s) => `'${s}'`)
          .join(', ')}) ha${single.length === 1 ? 's' : 've'} one sample: only in the training split, never evaluated.`,
      );
    if (names.length > this.n / 2)
      out.push(`${names.length} classes for ${this.n} samples${header.labelColumn ? `: is '${header.labelColumn}' really the label column?` : '.'}`);
    return out;
  }

  private valueWarnings(header: StreamHeader): string[] {
    if (header.kind === 'images' && (this.valueMin < 0 || this.valueMax > 1))
      return [`Pixel values range from ${fmt(this.valueMin)} to ${fmt(this.valueMax)}; the engine expects images in [0, 1].`];
    if (header.kind !== 'tabular' || !this.mins) return [];
    const constant = header.featureNames.filter((_, k) => this.mins![k] === this.maxs![k]);
    return constant.length
      ? [
          `${constant.length} feature${constant.length === 1 ? ' is' : 's are'} constant (${constant.slice(0, 3).join(', ')}${constant.length > 3 ? ', …' : ''}): they carry no information.`,
        ]
      : [];
  }
}
