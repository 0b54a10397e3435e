import fc from 'fast-check';
import { afterAll, expect } from 'vitest';
import { ValidationError } from '../../src-shared/validation';
import type { ImportOptions } from '../../src-shared/datasets';
import { getDatasetRecord, removeDataset } from '../../src-main/db/datasets';
import type { Db } from '../../src-main/db/types';
import { importDatasetAt, previewDatasetAt } from '../../src-main/import/dataset-import';
import { loadStoredDataset, loadStoredTextDataset } from '../../src-main/store-read/stored-datasets';
import { datasetTableCounts } from './import-helpers';

/**
 * The seed of every fuzz property: fixed so CI replays the same cases; RETAINLAB_FUZZ_SEED picks
 * other ones, and RETAINLAB_FUZZ_SCALE multiplies the runs, for a longer hunt on a workstation.
 */
export const FUZZ_SEED = Number(process.env.RETAINLAB_FUZZ_SEED ?? 16);

/** The runs of a property: `n` in CI, scaled by RETAINLAB_FUZZ_SCALE. */
export function fuzzRuns(n: number): { seed: number; numRuns: number; endOnFailure: boolean } {
  return { seed: FUZZ_SEED, numRuns: Math.max(1, Math.round(n * Number(process.env.RETAINLAB_FUZZ_SCALE ?? 1))), endOnFailure: false };
}

/** Each case (preview and import of one small file) must end well within this; a hang is a bug. */
export const CASE_MS = 5000;

/** The resident memory every fuzz file must stay under: small inputs only, so anything near it is a leak or an unbounded allocation. */
export const RSS_BOUND_MIB = 768;

/**
 * Limits lowered for the fuzz cases (docs/import-limits.md): a mutated header may declare anything
 * up to a limit, and at the defaults a 25-megapixel PNG header alone makes its decoder allocate a
 * few hundred MB. Lowered, every case the limits admit stays small, and the refusals at a limit
 * are reached as often. The bombs at the default limits are import-bounds.test.ts's.
 */
const FUZZ_LIMITS: Record<string, string> = {
  RETAINLAB_MAX_IMAGE_MEGAPIXELS: '1',
  RETAINLAB_MAX_SAMPLE_VALUES: '65536',
  RETAINLAB_MAX_ARRAY_MB: '64',
  RETAINLAB_MAX_LABEL_MB: '16',
  RETAINLAB_MAX_UNZIPPED_MB: '64',
};

/** Sets the fuzz limits for this test file, restoring the environment after it. */
export function useFuzzLimits(): void {
  const saved = Object.fromEntries(Object.keys(FUZZ_LIMITS).map((k) => [k, process.env[k]]));
  Object.assign(process.env, FUZZ_LIMITS);
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

/** One change to a file's bytes; positions wrap around the current length so every edit applies. */
export type Edit =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'delete'; at: number; count: number }
  | { op: 'u32'; at: number; value: number; littleEndian: boolean };

/** Sizes a crafted header declares: the edges of signed and unsigned integers and huge counts. */
export const HUGE_VALUES = [0, 1, 2, 0x7f, 0xff, 0x100, 0xffff, 0x10000, 1_000_000, 1e9, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** Byte runs that break text parsers: delimiters, quotes, line ends, a BOM, NUL and invalid UTF-8. */
export const TEXT_TOKENS: number[][] = [
  ...[',', ';', '\t', '|', '"', '""', '\n', '\r', '\r\n', ' ', '{', '}', '[', ']', ':', '\\', 'NaN', '-', '1e999', '0x1F'].map((s) => [...Buffer.from(s)]),
  [0xef, 0xbb, 0xbf],
  [0x00],
  [0xff],
  [0xc3, 0x28],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
];

/** Up to `max` edits of a file: truncation, bit flips, overwritten bytes and words, insertions (of `tokens` or any bytes), deletions. */
export function edits(tokens: number[][] = TEXT_TOKENS, max = 4): fc.Arbitrary<Edit[]> {
  const at = fc.nat();
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ op: fc.constant('truncate' as const), at }),
    fc.record({ op: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ op: fc.constant('set' as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({
      op: fc.constant('insert' as const),
      at,
      bytes: fc.oneof(fc.constantFrom(...tokens), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 })),
    }),
    fc.record({ op: fc.constant('delete' as const), at, count: fc.integer({ min: 1, max: 16 }) }),
    fc.record({ op: fc.constant('u32' as const), at, value: fc.constantFrom(...HUGE_VALUES), littleEndian: fc.boolean() }),
  );
  return fc.array(edit, { minLength: 1, maxLength: max });
}

/** The bytes after the edits, in order. */
export function applyEdits(bytes: Buffer, list: Edit[]): Buffer {
  let out = Buffer.from(bytes);
  for (const e of list) {
    const i = out.length ? e.at % out.length : 0;
    switch (e.op) {
      case 'truncate':
        out = out.subarray(0, i);
        break;
      case 'flip':
        if (out.length) out[i] ^= 1 << e.bit;
        break;
      case 'set':
        if (out.length) out[i] = e.byte;
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, i), Buffer.from(e.bytes), out.subarray(i)]);
        break;
      case 'delete':
        out = Buffer.concat([out.subarray(0, i), out.subarray(i + e.count)]);
        break;
      case 'u32':
        if (out.length >= 4) {
          const j = Math.min(i, out.length - 4);
          if (e.littleEndian) out.writeUInt32LE(e.value, j);
          else out.writeUInt32BE(e.value, j);
        }
        break;
    }
  }
  return out;
}

/** Runs `work`, failing the case when it takes longer than `ms` (a hang, or a bomb that got through). */
export async function withinDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fails unless `err` is a refusal a researcher can act on: a ValidationError (ImportError is one)
 * with a message; a TypeError, RangeError or a raw zlib/yauzl/csv-parse error is a crash of the importer.
 */
export function expectRefusal(err: unknown): string {
  if (!(err instanceof ValidationError)) {
    const e = err as Error;
    throw new Error(`not an import error but ${e?.name}: ${e?.message}\n${e?.stack?.split('\n').slice(1, 6).join('\n')}`);
  }
  expect(err.message.length).toBeGreaterThan(0);
  return err.message;
}

/** What the cases of one fuzz file ended in: counts by outcome and the refusals met most often (printed after the file, for the record). */
export class FuzzTally {
  private readonly outcomes = new Map<string, number>();
  private readonly refusals = new Map<string, number>();
  private cases = 0;
  private slowestMs = 0;
  private peakRssMiB = 0;
  private readonly started = Date.now();

  /** Rejections nobody handled (a stream error with no listener, say), pinned on the case during which they surfaced. */
  private readonly unhandled: unknown[] = [];

  constructor(private readonly title: string) {
    const listener = (reason: unknown) => this.unhandled.push(reason);
    process.on('unhandledRejection', listener);
    afterAll(() => {
      process.off('unhandledRejection', listener);
      console.info(this.report());
    });
  }

  /** Records one case; refusals are grouped by their message with file names and numbers masked. */
  add(format: string, outcome: 'imported' | 'refused', ms: number, message?: string): void {
    this.cases++;
    this.slowestMs = Math.max(this.slowestMs, ms);
    this.peakRssMiB = Math.max(this.peakRssMiB, process.memoryUsage().rss / 2 ** 20);
    const key = `${format} ${outcome}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
    if (message) {
      const shape = message
        .replace(/'[^']*'/g, "'…'")
        .replace(/\d[\d,.]*/g, 'N')
        .slice(0, 90);
      this.refusals.set(shape, (this.refusals.get(shape) ?? 0) + 1);
    }
    expect(this.peakRssMiB).toBeLessThan(RSS_BOUND_MIB);
    expect(this.unhandled.splice(0).map(String)).toEqual([]);
  }

  private report(): string {
    const top = [...this.refusals].sort((a, b) => b[1] - a[1]).slice(0, 12);
    return [
      `${this.title}: ${this.cases} cases in ${((Date.now() - this.started) / 1000).toFixed(1)} s (seed ${FUZZ_SEED}), slowest ${this.slowestMs} ms, peak RSS ${Math.round(this.peakRssMiB)} MiB`,
      ...[...this.outcomes].map(([k, n]) => `  ${k}: ${n}`),
      `  ${this.refusals.size} kinds of refusal; the most frequent:`,
      ...top.map(([m, n]) => `    ${n}× ${m}`),
    ].join('\n');
  }
}

/** Checks a preview describes a usable dataset: samples, at least two classes whose counts add up, a split of every row. */
function expectValidPreview(p: Awaited<ReturnType<typeof previewDatasetAt>>): void {
  expect(p.n).toBeGreaterThan(0);
  expect(p.classes.length).toBeGreaterThanOrEqual(2);
  expect(p.classes.reduce((a, c) => a + c.count, 0)).toBe(p.n);
  expect(p.split.train + p.split.eval).toBe(p.n);
}

/** Checks a stored dataset is whole: every label a class, every row in the split, finite features of the declared shape. */
function expectValidStored(db: Db, id: string): void {
  const record = getDatasetRecord(db, id)!;
  expect(record).not.toBeNull();
  expect(record.n).toBeGreaterThan(0);
  const data = record.kind === 'text' ? loadStoredTextDataset(db, id) : loadStoredDataset(db, id);
  const classes = data.classNames.length;
  expect(classes).toBeGreaterThanOrEqual(2);
  expect(data.y.length).toBe(record.n);
  for (const y of data.y) if (!(y >= 0 && y < classes)) throw new Error(`label index ${y} outside the ${classes} classes`);
  expect(data.splits.train.length + data.splits.eval.length).toBe(record.n);
  if ('x' in data) {
    expect(data.x.length).toBe(record.n * data.shape[0] * data.shape[1] * data.shape[2]);
    for (const v of data.x) if (!Number.isFinite(v)) throw new Error(`stored feature ${v} is not finite`);
  } else expect(data.texts.length).toBe(record.n);
}

let caseNo = 0;

/**
 * The fuzz property of one input: its preview and its import each end, within CASE_MS, in a
 * refusal (a ValidationError) or a valid dataset, and agree on which; a refused import leaves
 * every dataset table as it was, an accepted one is checked whole and then removed again.
 */
export async function expectImportOutcome(db: Db, path: string, options: ImportOptions, tally: FuzzTally, format: string): Promise<void> {
  const started = Date.now();
  const id = `fuzz-${++caseNo}`;
  let previewRefusal: string | null = null;
  let preview: Awaited<ReturnType<typeof previewDatasetAt>> | null = null;
  try {
    preview = await withinDeadline(previewDatasetAt(path, options), CASE_MS, 'the preview');
  } catch (err) {
    if (err instanceof Error && /did not finish within/.test(err.message)) throw err;
    previewRefusal = expectRefusal(err);
  }
  if (preview) expectValidPreview(preview);
  const before = datasetTableCounts(db);
  let importRefusal: string | null = null;
  try {
    await withinDeadline(importDatasetAt(db, path, options, id), CASE_MS, 'the import');
  } catch (err) {
    if (err instanceof Error && /did not finish within/.test(err.message)) throw err;
    importRefusal = expectRefusal(err);
  }
  const ms = Date.now() - started;
  expect(ms).toBeLessThan(CASE_MS);
  expect(importRefusal).toBe(previewRefusal);
  if (importRefusal !== null) {
    expect(datasetTableCounts(db)).toEqual(before);
    tally.add(format, 'refused', ms, importRefusal);
    return;
  }
  expectValidStored(db, id);
  removeDataset(db, id);
  expect(datasetTableCounts(db)).toEqual(before);
  tally.add(format, 'imported', ms);
}
