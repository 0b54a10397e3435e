import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportOptions } from '../../src-shared/datasets';
import { importDatasetAt } from '../../src-main/import/dataset-import';
import { applyEdits, edits, expectImportOutcome, FuzzTally, fuzzRuns, useFuzzLimits, HUGE_VALUES } from './fuzz-harness';
import { tempDataDir } from './helpers';
import { declaringSize, deflatedMember, npy, storedMember, zipOf, type ZipMember } from './hostile-files';
import { jpegBytes, pngBytes, twoClassPngs, writeTree } from './image-fixtures';
import { datasetTableCounts, tempStores } from './import-helpers';

const IMPORT = join(__dirname, '..', 'fixtures', 'import');
const store = tempStores();
const files = tempDataDir();
afterAll(files.remove);
useFuzzLimits();
const tally = new FuzzTally('fuzz-archives');

/** A store already holding one dataset, so a refused import can be seen to leave it as it was. */
async function storeWithIris() {
  const s = store();
  await importDatasetAt(s.db, join(IMPORT, 'csv', 'iris.csv'), {}, 'data-ok');
  return s;
}

/** Good image sets: grey PNGs (two classes), colour PNGs and colour JPEGs, as relative path → bytes. */
const IMAGE_SETS: Record<string, Buffer>[] = [
  twoClassPngs(),
  {
    'red/0.png': pngBytes(3, 3, (x) => x * 80, true),
    'red/1.png': pngBytes(3, 3, (x, y) => x * y * 30, true),
    'blue/0.png': pngBytes(3, 3, (_x, y) => y * 80, true),
  },
  { 'warm/0.jpg': jpegBytes(8, 8, [200, 40, 10]), 'warm/1.jpg': jpegBytes(8, 8, [220, 90, 0]), 'cold/0.jpg': jpegBytes(8, 8, [0, 40, 210]) },
];

/** Archives as numpy and zip tools write them: .npz (plain and compressed) and image zips (stored and deflated members). */
const ARCHIVES: Record<string, Buffer> = {
  'digits.npz': readFileSync(join(IMPORT, 'digits.npz')),
  'digits-compressed.npz': readFileSync(join(IMPORT, 'digits-compressed.npz')),
  'pngs.zip': zipOf(Object.entries(IMAGE_SETS[0]).map(([p, b]) => storedMember(`set/${p}`, b))),
  'colour.zip': zipOf(Object.entries(IMAGE_SETS[1]).map(([p, b]) => deflatedMember(p, b))),
  'jpegs.zip': zipOf(Object.entries(IMAGE_SETS[2]).map(([p, b]) => deflatedMember(p, b))),
};

/** Recomputes the CRC of every whole PNG chunk, so a changed header reaches the decoder instead of failing its checksum. */
function fixPngCrcs(png: Buffer): Buffer {
  for (let i = 8; i + 12 <= png.length;) {
    const length = png.readUInt32BE(i);
    if (i + 12 + length > png.length) break;
    png.writeUInt32BE(crc32(png.subarray(i + 4, i + 8 + length)), i + 8 + length);
    i += 12 + length;
  }
  return png;
}

/** A PNG's IHDR rewritten: any width, height, bit depth, colour type and interlace method (valid ones or not). */
const ihdrLie = fc.record({
  width: fc.constantFrom(...HUGE_VALUES),
  height: fc.constantFrom(...HUGE_VALUES),
  depth: fc.constantFrom(0, 1, 2, 4, 8, 16, 3, 255),
  colourType: fc.constantFrom(0, 1, 2, 3, 4, 6, 7),
  interlace: fc.constantFrom(0, 1, 2),
});

/** Writes the lie into the IHDR chunk (its CRC is left as it was). */
function lieInIhdr(png: Buffer, lie: { width: number; height: number; depth: number; colourType: number; interlace: number }): Buffer {
  if (png.length < 29) return png;
  png.writeUInt32BE(lie.width, 16);
  png.writeUInt32BE(lie.height, 20);
  png[24] = lie.depth;
  png[25] = lie.colourType;
  png[28] = lie.interlace;
  return png;
}

/** A JPEG whose start-of-frame declares another height and width. */
function lieInJpegFrame(jpeg: Buffer, height: number, width: number): Buffer {
  for (let i = 2; i + 9 < jpeg.length; i += 2 + jpeg.readUInt16BE(i + 2)) {
    if (jpeg[i] !== 0xff) break;
    if (jpeg[i + 1] === 0xc0 || jpeg[i + 1] === 0xc2) {
      jpeg.writeUInt16BE(height & 0xffff, i + 5);
      jpeg.writeUInt16BE(width & 0xffff, i + 7);
      break;
    }
  }
  return jpeg;
}

const imageOptions: fc.Arbitrary<ImportOptions> = fc.record(
  {
    imageSize: fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })),
    colour: fc.constantFrom('keep' as const, 'grey' as const, 'rgb' as const),
  },
  { requiredKeys: [] },
);

let folderNo = 0;

/** Writes files as a folder, or as a zip of stored or deflated members, and returns the path to import. */
function packaged(tree: Record<string, Buffer>, as: 'folder' | 'stored' | 'deflated', zipName = 'images.zip'): string {
  if (as === 'folder') {
    const root = join(files.dir, `folder-${++folderNo}`, 'images');
    rmSync(join(root, '..', '..', `folder-${folderNo - 1}`), { recursive: true, force: true });
    return writeTree(root, tree);
  }
  const path = join(files.dir, zipName);
  writeFileSync(path, zipOf(Object.entries(tree).map(([p, b]) => (as === 'stored' ? storedMember(p, b) : deflatedMember(p, b)))));
  return path;
}

// --- .npy generation ---------------------------------------------------------------------------

const DESCRS = ['<f4', '>f8', '|u1', '<i8', '>i2', '<u4', '|b1', '<U3', '<U0', '|u0', '<f2', '<c8', '|O', '<M8[ns]', '|S5', '<V8', 'garbage', '<u16', '=i4'];
const DIMS = [0, 1, 2, 3, 4, 2 ** 31, 2 ** 32, 1e15, 2 ** 53, 1e300];

/** One .npy as a header dict (any descr, shape, order) and data bytes of the declared length or another. */
interface NpySpec {
  descr: string;
  shape: string;
  fortran: boolean;
  length: number | 'declared';
  fill: number;
  version: 1 | 2 | 3 | 9;
}

/** Element i of a dtype as bytes: alternately 0 and 1 (or 'a' and 'b'), so good arrays have two classes; other dtypes get `fill`. */
function element(descr: string, i: number, fill: number): Buffer {
  const m = /^([<>|=])([fiubU])(\d+)$/.exec(descr);
  const size = m ? Number(m[3]) : 1;
  const v = i % 2;
  const out = Buffer.alloc(m?.[2] === 'U' ? size * 4 : size, fill);
  if (!m || out.length === 0) return out;
  const le = m[1] !== '>';
  if (m[2] === 'U') {
    if (le) out.writeUInt32LE(0x61 + v, 0);
    else out.writeUInt32BE(0x61 + v, 0);
  } else if (m[2] === 'f' && size === 4) out[le ? 'writeFloatLE' : 'writeFloatBE'](v + 0.5);
  else if (m[2] === 'f' && size === 8) out[le ? 'writeDoubleLE' : 'writeDoubleBE'](v + 0.5);
  else {
    out.fill(0);
    out[le ? 0 : size - 1] = v;
  }
  return out;
}

function npyBytes(s: NpySpec): Buffer {
  const dict = `{'descr': '${s.descr}', 'fortran_order': ${s.fortran ? 'True' : 'False'}, 'shape': (${s.shape}), }`;
  const lenBytes = s.version === 1 ? 2 : 4;
  const unpadded = 6 + 2 + lenBytes + dict.length + 1;
  const text = Buffer.from(`${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`, 'latin1');
  const head = Buffer.alloc(8 + lenBytes);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, s.version, 0]).copy(head);
  if (lenBytes === 2) head.writeUInt16LE(text.length, 8);
  else head.writeUInt32LE(text.length, 8);
  const values = s.shape
    .split(',')
    .filter((d) => d.trim())
    .reduce((a, d) => a * Number(d), 1);
  const elements = Number.isSafeInteger(values) && values >= 0 && values <= 1024 ? values : 16;
  const data = Buffer.concat(Array.from({ length: elements }, (_, i) => element(s.descr, i, s.fill)));
  return Buffer.concat([head, text, s.length === 'declared' ? data : Buffer.alloc(s.length, s.fill)]);
}

/** A good x/y pair most of the time, each part sometimes replaced by a lie (dtype, shape, length, order, version). */
const npyPair = fc
  .record({
    n: fc.integer({ min: 1, max: 6 }),
    features: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
    xDescr: fc.constantFrom('<f4', '>f8', '|u1', '<i8', '<u4', '|b1'),
    yDescr: fc.constantFrom('|u1', '<i8', '<U3', '|b1', '>i2'),
    lie: fc.option(
      fc.record({
        inY: fc.boolean(),
        descr: fc.option(fc.constantFrom(...DESCRS)),
        shape: fc.option(
          fc.oneof(
            fc.array(fc.constantFrom(...DIMS), { maxLength: 4 }).map((d) => `${d.join(', ')}${d.length === 1 ? ',' : ''}`),
            fc.constantFrom('-1,', '1.5,', 'None,', '', '2, -3', '3,,'),
          ),
        ),
        length: fc.option(fc.nat(200)),
        fortran: fc.boolean(),
        version: fc.constantFrom<NpySpec['version']>(1, 1, 2, 3, 9),
        fill: fc.integer({ min: 0, max: 255 }),
      }),
      { freq: 2 },
    ),
  })
  .map(({ n, features, xDescr, yDescr, lie }) => {
    const x: NpySpec = { descr: xDescr, shape: [n, ...features].join(', '), fortran: false, length: 'declared', fill: 1, version: 1 };
    const y: NpySpec = { descr: yDescr, shape: `${n},`, fortran: false, length: 'declared', fill: 0, version: 1 };
    if (lie) {
      const target = lie.inY ? y : x;
      if (lie.descr !== null) target.descr = lie.descr;
      if (lie.shape !== null) target.shape = lie.shape;
      if (lie.length !== null) target.length = lie.length;
      target.fortran = lie.fortran;
      target.version = lie.version;
      target.fill = lie.fill;
    }
    return { x, y };
  });

describe('fuzzed archive and image imports end in a refusal or a valid dataset', () => {
  it('zips and .npz archives truncated, bit-flipped and overwritten anywhere (headers, sizes, names, data)', async () => {
    const { db } = await storeWithIris();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(ARCHIVES)), edits(undefined, 3), async (name, list) => {
        const path = join(files.dir, name);
        writeFileSync(path, applyEdits(ARCHIVES[name], list));
        await expectImportOutcome(db, path, {}, tally, 'zip bytes');
      }),
      fuzzRuns(1200),
    );
  });

  it('PNG and JPEG files damaged inside good zips and folders, with their checksums fixed or not, their headers lying about size', async () => {
    const { db } = await storeWithIris();
    await fc.assert(
      fc.asyncProperty(
        fc.nat(IMAGE_SETS.length - 1),
        fc.nat(),
        edits(undefined, 3),
        fc.record({
          fixCrcs: fc.boolean(),
          ihdr: fc.option(ihdrLie),
          frame: fc.option(fc.tuple(fc.constantFrom(0, 1, 2, 0xffff, 5000), fc.constantFrom(0, 1, 8, 0xffff, 5000))),
        }),
        fc.constantFrom<'folder' | 'stored' | 'deflated'>('folder', 'stored', 'deflated'),
        imageOptions,
        async (set, pick, list, lies, as, options) => {
          const tree = { ...IMAGE_SETS[set] };
          const path = Object.keys(tree)[pick % Object.keys(tree).length];
          let bytes = applyEdits(tree[path], list);
          if (path.endsWith('.png')) {
            if (lies.ihdr) bytes = lieInIhdr(bytes, lies.ihdr);
            if (lies.fixCrcs) bytes = fixPngCrcs(bytes);
          } else if (lies.frame) bytes = lieInJpegFrame(bytes, ...lies.frame);
          tree[path] = bytes;
          await expectImportOutcome(db, packaged(tree, as), options, tally, 'image');
        },
      ),
      fuzzRuns(1200),
    );
  });

  it('zips whose members lie about their size, are links, escape the folder, or are zips themselves (nested two deep)', async () => {
    const { db } = await storeWithIris();
    const images = Object.entries(IMAGE_SETS[0]);
    const inner = zipOf(images.map(([p, b]) => deflatedMember(p, b)));
    const member = fc.record({
      name: fc.oneof(
        { arbitrary: fc.constantFrom('cats/a.png', 'dogs/b.png', 'dogs/c.png', 'cats/inner.zip', 'x.npy', 'y.npy', 'cats/', 'readme.txt'), weight: 8 },
        { arbitrary: fc.constantFrom('../evil.png', '/abs/c.png', 'c:/d.png', 'cats/../../e.png'), weight: 1 },
      ),
      content: fc.oneof({ arbitrary: fc.constant('png'), weight: 4 }, { arbitrary: fc.constantFrom('zip', 'zip-in-zip', 'npz', 'text', 'empty'), weight: 1 }),
      deflated: fc.boolean(),
      // Mostly honest members, so the lies meet archives that are otherwise readable.
      size: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.constantFrom(...HUGE_VALUES), weight: 1 }),
      mode: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.constantFrom(0o120777, 0o040755, 0o100644), weight: 1 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(member, { minLength: 1, maxLength: 5 }), fc.constantFrom('nested.zip', 'nested.npz'), async (members, name) => {
        const content = {
          png: images[0][1],
          zip: inner,
          'zip-in-zip': zipOf([storedMember('inner.zip', inner)]),
          npz: ARCHIVES['digits.npz'],
          text: Buffer.from('not an image\n'),
          empty: Buffer.alloc(0),
        };
        const zip = zipOf(
          members.map((m): ZipMember => {
            const data = content[m.content as keyof typeof content];
            let z = m.deflated ? deflatedMember(m.name, data) : storedMember(m.name, data, m.mode ?? undefined);
            if (m.size !== null) z = declaringSize(z, m.size);
            return z;
          }),
        );
        const path = join(files.dir, name);
        writeFileSync(path, zip);
        await expectImportOutcome(db, path, {}, tally, 'zip members');
      }),
      fuzzRuns(800),
    );
  });

  it('.npy pairs and .npz archives whose headers declare huge shapes, wrong dtypes, Fortran order, other versions or lengths', async () => {
    const { db } = await storeWithIris();
    await fc.assert(
      fc.asyncProperty(npyPair, fc.constantFrom<'folder' | 'stored' | 'deflated'>('folder', 'stored', 'deflated'), async ({ x, y }, as) => {
        const tree = { 'x.npy': npyBytes(x), 'y.npy': npyBytes(y) };
        let path: string;
        if (as === 'folder') {
          path = join(files.dir, `pair-${++folderNo}`);
          rmSync(join(files.dir, `pair-${folderNo - 1}`), { recursive: true, force: true });
          writeTree(path, tree);
        } else path = packaged(tree, as, 'arrays.npz');
        await expectImportOutcome(db, path, {}, tally, 'npy header');
      }),
      fuzzRuns(1200),
    );
  });

  it('the x.npy/y.npy pair fixture mutated byte by byte', async () => {
    const { db } = await storeWithIris();
    const pair = { 'x.npy': readFileSync(join(IMPORT, 'pair', 'x.npy')), 'y.npy': readFileSync(join(IMPORT, 'pair', 'y.npy')) };
    await fc.assert(
      fc.asyncProperty(fc.boolean(), edits(undefined, 3), async (inY, list) => {
        const path = join(files.dir, `pair-${++folderNo}`);
        rmSync(join(files.dir, `pair-${folderNo - 1}`), { recursive: true, force: true });
        mkdirSync(path);
        writeFileSync(join(path, 'x.npy'), inY ? pair['x.npy'] : applyEdits(pair['x.npy'], list));
        writeFileSync(join(path, 'y.npy'), inY ? applyEdits(pair['y.npy'], list) : pair['y.npy']);
        await expectImportOutcome(db, path, {}, tally, 'npy bytes');
      }),
      fuzzRuns(800),
    );
  });
});

describe('archives the fuzzing found mishandled, refused by name', () => {
  it('refuses a y.npy of a billion <U0 labels (items of no bytes passed every byte limit, and filling the labels ran out of memory)', async () => {
    const { db } = await storeWithIris();
    const before = datasetTableCounts(db);
    const path = writeTree(join(files.dir, 'zero-bytes'), { 'x.npy': npy('|u1', [1e9, 0], Buffer.alloc(0)), 'y.npy': npy('<U0', [1e9], Buffer.alloc(0)) });
    await expect(importDatasetAt(db, path, {}, 'data-bad')).rejects.toThrow(/zero-bytes\/y\.npy has dtype '<U0', whose items hold no bytes/);
    expect(datasetTableCounts(db)).toEqual(before);
  });

  it('refuses a PNG whose header declares more pixels than its data holds (pngjs filled the rest: a 100-byte file became a 400×400 image)', async () => {
    const { db } = await storeWithIris();
    const before = datasetTableCounts(db);
    const png = lieInIhdr(
      pngBytes(4, 4, () => 9, true),
      { width: 400, height: 400, depth: 8, colourType: 2, interlace: 0 },
    );
    const path = packaged({ 'cats/a.png': fixPngCrcs(png), 'dogs/b.png': pngBytes(4, 4, () => 200, true) }, 'stored');
    await expect(importDatasetAt(db, path, {}, 'data-bad')).rejects.toThrow(
      /images\.zip\/cats\/a\.png is a truncated PNG: its image data holds 52 bytes of the 480,400 bytes its 400×400 pixels need/,
    );
    expect(datasetTableCounts(db)).toEqual(before);
  });
});
