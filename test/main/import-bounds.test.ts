import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listDatasetRecords } from '../../src-main/db/datasets';
import { importDatasetAt } from '../../src-main/import/dataset-import';
import { importLimits } from '../../src-main/import/limits';
import { tempDataDir } from './helpers';
import { childImports } from './import-child';
import { datasetTableCounts, tempStores } from './import-helpers';
import { jpegBytes } from './image-fixtures';
import { declaringSize, deflatedMember, npy, npyHeader, storedMember, zeroBombMember, zeroPng, zipOf } from './hostile-files';

const IRIS = join(__dirname, '..', 'fixtures', 'import', 'csv', 'iris.csv');
/** The bound on the peak memory of an import refusing a bomb. */
const PEAK_RSS_MIB = 300;
const MiB = 2 ** 20;

const store = tempStores();
const importInChild = childImports();
const files = tempDataDir();
afterAll(files.remove);
/** Peak memory of every child import, printed at the end for the record. */
const measured: string[] = [];
afterAll(() => console.info(`peak RSS of the child imports:\n${measured.join('\n')}`));

function write(name: string, data: Buffer | string): string {
  const path = join(files.dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, data);
  return path;
}

/** Bytes of the store's files (database, WAL), to show a refused import wrote nothing worth counting. */
function storeBytes(dir: string): number {
  return readdirSync(dir)
    .filter((f) => f.startsWith('retainlab.sqlite'))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

/**
 * Imports `path` with `retainlab datasets import` in a child process, into a store already holding
 * one dataset, and checks the refusal: its message, the child's peak memory, and the store as it was.
 */
async function expectRefused(path: string, message: RegExp, env: Record<string, string> = {}, maxGrowth = MiB): Promise<void> {
  const { db, dir } = store();
  await importDatasetAt(db, IRIS, {}, 'data-ok');
  const before = datasetTableCounts(db);
  const bytes = storeBytes(dir);
  const started = Date.now();
  const child = importInChild([path, '--data-dir', dir], env);
  measured.push(`  ${path.slice(files.dir.length + 1)}: ${child.peakRssMiB} MiB, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  expect(child.stderr).toMatch(message);
  expect(child.status).toBe(2);
  expect(child.peakRssMiB).toBeLessThan(PEAK_RSS_MIB);
  expect(datasetTableCounts(db)).toEqual(before);
  expect(listDatasetRecords(db).map((d) => d.id)).toEqual(['data-ok']);
  expect(storeBytes(dir) - bytes).toBeLessThan(maxGrowth);
}

/** y.npy of n labels alternating between two classes. */
function twoClassLabels(n: number): Buffer {
  return npy('|u1', [n], Buffer.from(Array.from({ length: n }, (_, i) => i % 2)));
}

describe('imports bounded against files that declare more than they hold', () => {
  it('imports a good table in a child process (the baseline of the memory measured below)', () => {
    const { dir } = store();
    const child = importInChild([IRIS, '--data-dir', dir, '--json']);
    measured.push(`  iris.csv (imported, for comparison): ${child.peakRssMiB} MiB`);
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toMatchObject({ name: 'iris', n: 10 });
  });

  it('refuses an .npz whose y.npy declares a million 256-character labels but holds 100 bytes, before allocating them', async () => {
    const path = write(
      'labels-declared.npz',
      zipOf([
        deflatedMember('x.npy', npy('|u1', [1_000_000, 1], Buffer.alloc(1_000_000))),
        storedMember('y.npy', Buffer.concat([npyHeader('<U256', [1_000_000]), Buffer.alloc(100)])),
      ]),
    );
    expect(statSync(path).size).toBeLessThan(MiB);
    await expectRefused(
      path,
      /labels-declared\.npz\/y\.npy is truncated: its header declares shape \(1000000\) of <U256, 976\.6 MiB of data, but only 100 bytes follow \(1,023,999,900 bytes missing\)/,
    );
  });

  it('refuses an .npz whose y.npy holds a GB of labels deflated to a MB: by the expansion ratio, and, with that raised, by the label limit', async () => {
    const path = write(
      'labels-deflated.npz',
      zipOf([
        deflatedMember('x.npy', npy('|u1', [1_000_000, 1], Buffer.alloc(1_000_000))),
        zeroBombMember('y.npy', npyHeader('<U256', [1_000_000]), 1_024_000_000),
      ]),
    );
    expect(statSync(path).size).toBeLessThan(2 * MiB);
    await expectRefused(
      path,
      /labels-deflated\.npz\/y\.npy expands 10\d\d× .*; the limit is 100× \(set the environment variable RETAINLAB_MAX_EXPANSION_RATIO higher/,
    );
    await expectRefused(
      path,
      /y\.npy declares shape \(1000000\) of <U256, 976\.6 MiB of data; the limit is 256 MiB \(set the environment variable RETAINLAB_MAX_LABEL_MB higher/,
      { RETAINLAB_MAX_EXPANSION_RATIO: '5000' },
    );
  });

  it('refuses an .npz of a MB holding a 1 GB all-zero x.npy before inflating it: by the expansion ratio, and, with that raised, by the size limit', async () => {
    const path = write(
      'zeros.npz',
      zipOf([zeroBombMember('x.npy', npyHeader('|u1', [1_000_000, 1000]), 1e9), deflatedMember('y.npy', twoClassLabels(1_000_000))]),
    );
    expect(statSync(path).size).toBeLessThan(2 * MiB);
    await expectRefused(path, /zeros\.npz\/x\.npy expands 10\d\d× \(.* to 953\.7 MiB\): a zip bomb.*RETAINLAB_MAX_EXPANSION_RATIO/);
    await expectRefused(
      path,
      /zeros\.npz\/x\.npy expands to 953\.7 MiB; the limit is 512 MiB \(set the environment variable RETAINLAB_MAX_UNZIPPED_MB higher/,
      {
        RETAINLAB_MAX_EXPANSION_RATIO: '5000',
        RETAINLAB_MAX_UNZIPPED_MB: '512',
      },
    );
  });

  it('stops a zip member that inflates past the size it declares, and removes the rows already stored', async () => {
    const header = npyHeader('|u1', [1000, 1000]);
    const lying = declaringSize(zeroBombMember('x.npy', header, 2 ** 30), header.length + 1_000_000);
    const path = write('lying.npz', zipOf([lying, deflatedMember('y.npy', twoClassLabels(1000))]));
    await expectRefused(path, /lying\.npz\/x\.npy inflates to more than its zip entry declares/, {}, 16 * MiB);
  });

  it('refuses an .npz whose 200 million one-byte labels (zeros, deflated to a few hundred KB) pass the sample limit, before allocating them', async () => {
    const path = write(
      'many-labels.npz',
      zipOf([zeroBombMember('x.npy', npyHeader('|u1', [200_000_000, 1]), 200_000_000), zeroBombMember('y.npy', npyHeader('|u1', [200_000_000]), 200_000_000)]),
    );
    expect(statSync(path).size).toBeLessThan(2 * MiB);
    await expectRefused(
      path,
      /many-labels\.npz\/y\.npy declares 200,000,000 labels; the limit is 10,000,000 samples \(set the environment variable RETAINLAB_MAX_SAMPLES higher/,
      { RETAINLAB_MAX_EXPANSION_RATIO: '5000' },
    );
  });

  it('refuses x and y arrays whose sample counts differ from their headers alone, before reading the labels', async () => {
    const path = write(
      'mismatch.npz',
      zipOf([deflatedMember('x.npy', npy('<f4', [10, 2], Buffer.alloc(80))), storedMember('y.npy', twoClassLabels(5_000_000))]),
    );
    // With the sample limit below the labels' count, reading them first would be refused by that limit instead.
    await expectRefused(path, /mismatch\.npz\/x\.npy has 10 samples but mismatch\.npz\/y\.npy has 5,000,000 labels: they must match/, {
      RETAINLAB_MAX_SAMPLES: '1000',
    });
  });

  it('refuses a table with more rows than the sample limit (here lowered) as soon as it passes it', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i % 2}`);
    const path = write('long.csv', `f,label\n${rows.join('\n')}\n`);
    await expectRefused(path, /long\.csv: more than 1,000 samples; the limit is 1,000 samples \(set the environment variable RETAINLAB_MAX_SAMPLES higher/, {
      RETAINLAB_MAX_SAMPLES: '1000',
    });
  });

  it('refuses a folder of 2400×2400 images imported without a size, naming the image and the size choice; with a size it imports', async () => {
    const big = zeroPng(2400, 2400, 2400 * 2401, false);
    const path = write('big-images.zip', zipOf([storedMember('cats/big.png', big), storedMember('dogs/big.png', big)]));
    await expectRefused(
      path,
      /big-images\.zip: cats\/big\.png has 5,760,000 values per image \(2400×2400×1\): choose a size to resize the images to; the limit is 4,194,304 values \(set the environment variable RETAINLAB_MAX_SAMPLE_VALUES/,
    );
    const { db } = store();
    const imported = await importDatasetAt(db, path, { imageSize: [28, 28] }, 'resized');
    expect(imported).toMatchObject({ n: 2, shape: [28, 28, 1] });
  });

  it('refuses a CSV of a million columns at its first line, and a record of 16 million empty fields after good rows', async () => {
    const header = Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join(',');
    const path = write('wide.csv', `${header}\n${'0,'.repeat(999_999)}0\n`);
    await expectRefused(
      path,
      /wide\.csv, line 1: a record of more than 100,000 fields; the limit is 100,000 columns \(set the environment variable RETAINLAB_MAX_COLUMNS higher/,
    );
    const late = write('late-wide.csv', `a,label\n${'1,x\n2,y\n'.repeat(300)}${','.repeat(16 * MiB - 100)}\n`);
    await expectRefused(late, /late-wide\.csv, line 602: a record of more than 100,000 fields/);
  });

  it('refuses a small table whose header has more columns than the limit (here lowered)', async () => {
    const path = write('narrow-limit.csv', 'a,b,c,d,label\n1,2,3,4,x\n');
    await expectRefused(path, /narrow-limit\.csv, line 1 has 5 columns; the limit is 4 columns \(set the environment variable RETAINLAB_MAX_COLUMNS higher/, {
      RETAINLAB_MAX_COLUMNS: '4',
    });
  });

  it('refuses a JSONL file whose first line never ends', async () => {
    const path = write('one-line.jsonl', `{"label": "a", "text": "${'x'.repeat(20 * MiB)}`);
    await expectRefused(path, /one-line\.jsonl, line 1: a line longer than 16 MiB; JSONL needs one JSON object per line/);
  });

  it('refuses a table with more classes than the limit as soon as it has seen one more (here with the limit lowered)', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i % 7},c${i}`);
    const path = write('many-classes.csv', `f,label\n${rows.join('\n')}\n`);
    await expectRefused(
      path,
      /many-classes\.csv: more than 1,000 different labels in 'label' \(is that really the label column\?\); the limit is 1,000 classes \(set the environment variable RETAINLAB_MAX_CLASSES/,
      {
        RETAINLAB_MAX_CLASSES: '1000',
      },
    );
  });

  it('refuses a zip whose member is a symbolic link, naming it as one', async () => {
    const path = write(
      'links.zip',
      zipOf([storedMember('cats/passwd.png', Buffer.from('/etc/passwd'), 0o120777), storedMember('dogs/1.png', Buffer.from('not read'))]),
    );
    await expectRefused(path, /links\.zip\/cats\/passwd\.png is a symbolic link: links inside archives are not followed/);
  });

  it('refuses a PNG declaring ten billion pixels, and an interlaced 16×16 PNG whose data inflates to a GiB, before decoding either', async () => {
    const good = zeroPng(16, 16, 16 * 17, false);
    const huge = write('huge-png.zip', zipOf([storedMember('cats/huge.png', zeroPng(100_000, 100_000, 0, false)), storedMember('dogs/ok.png', good)]));
    await expectRefused(
      huge,
      /huge-png\.zip\/cats\/huge\.png declares 100000×100000 pixels; the limit is 25 megapixels \(set the environment variable RETAINLAB_MAX_IMAGE_MEGAPIXELS/,
    );
    const bomb = zeroPng(16, 16, 2 ** 30, true);
    expect(bomb.length).toBeLessThan(2 * MiB);
    const path = write('png-bomb.zip', zipOf([storedMember('cats/bomb.png', bomb), storedMember('dogs/ok.png', good)]));
    await expectRefused(path, /png-bomb\.zip\/cats\/bomb\.png inflates to far more than its 16×16 pixels hold: the PNG is damaged or crafted/);
  });

  it('refuses a 600-byte JPEG whose frame declares 5000×5000 pixels before jpeg-js allocates for them (found by the fuzz suite: 832 MiB before)', async () => {
    const small = jpegBytes(16, 16, [200, 30, 30]);
    const forged = Buffer.from(small);
    const sof = forged.indexOf(Buffer.from([0xff, 0xc0]));
    forged.writeUInt16BE(5000, sof + 5);
    forged.writeUInt16BE(5000, sof + 7);
    const path = write('forged-jpeg.zip', zipOf([storedMember('cats/forged.jpg', forged), storedMember('dogs/ok.jpg', small)]));
    await expectRefused(path, /forged-jpeg\.zip\/cats\/forged\.jpg is a truncated or forged JPEG: it declares 5000×5000 pixels but holds only \d+ bytes/);
  });

  it('says a truncated .npy is truncated and how many bytes are missing, alone or in a pair', async () => {
    const x = npy('<f4', [100, 10], Buffer.alloc(1000));
    await expectRefused(
      write('x.npy', x),
      /x\.npy is truncated: its header declares shape \(100, 10\) of <f4, 4,000 bytes of data, but only 1,000 bytes follow \(3,000 bytes missing\)/,
    );
    write('pair/x.npy', x);
    write('pair/y.npy', twoClassLabels(100));
    await expectRefused(join(files.dir, 'pair'), /pair\/x\.npy is truncated: .* \(3,000 bytes missing\)/);
  });
});

describe('import limits', () => {
  it('are the defaults unless an environment variable sets them, and refuse a value that is not a positive number', () => {
    expect(importLimits({})).toMatchObject({
      maxColumns: 100_000,
      maxClasses: 10_000,
      maxSamples: 10_000_000,
      maxExpansionRatio: 100,
      maxLabelBytes: 256 * MiB,
    });
    expect(importLimits({ RETAINLAB_MAX_COLUMNS: '250000', RETAINLAB_MAX_UNZIPPED_MB: '10' })).toMatchObject({
      maxColumns: 250_000,
      maxUnzippedBytes: 10 * MiB,
    });
    expect(() => importLimits({ RETAINLAB_MAX_CLASSES: 'many' })).toThrow("RETAINLAB_MAX_CLASSES must be a positive number, got 'many'");
    expect(() => importLimits({ RETAINLAB_MAX_LABEL_MB: '-1' })).toThrow("RETAINLAB_MAX_LABEL_MB must be a positive number of MiB, got '-1'");
  });
});
