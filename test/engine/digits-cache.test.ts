import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheDir, readDigitCache, writeDigitCache } from '../../src-main/engine/data/digits-cache';
import { decodeMnistDigits, digitCacheFile } from '../../src-main/engine/data/mnist-digits';

const dir = mkdtempSync(join(tmpdir(), 'retainlab-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the decoded digits are cached for the next engine process', () => {
  const decoded = decodeMnistDigits();
  const file = join(dir, 'digits.bin');

  it('reads back bitwise the arrays it stored', () => {
    writeDigitCache(file, 784, decoded);
    const back = readDigitCache(file, 784)!;
    expect(back.n).toBe(10_000);
    expect(Buffer.from(back.x.buffer, back.x.byteOffset, back.x.byteLength).equals(Buffer.from(decoded.x.buffer))).toBe(true);
    expect(Array.from(back.y)).toEqual(Array.from(decoded.y));
    // Written under a temporary name, then renamed: nothing else is left in the folder.
    expect(readdirSync(dir)).toEqual(['digits.bin']);
  });

  it('ignores a missing, truncated or foreign file and a file of another image size', () => {
    expect(readDigitCache(join(dir, 'none.bin'), 784)).toBeNull();
    const bytes = readFileSync(file);
    writeFileSync(join(dir, 'short.bin'), bytes.subarray(0, bytes.length - 4));
    expect(readDigitCache(join(dir, 'short.bin'), 784)).toBeNull();
    const foreign = Buffer.from(bytes);
    foreign.writeUInt32LE(0x12345678, 0);
    writeFileSync(join(dir, 'foreign.bin'), foreign);
    expect(readDigitCache(join(dir, 'foreign.bin'), 784)).toBeNull();
    expect(readDigitCache(file, 28 * 28 * 3)).toBeNull();
    writeFileSync(join(dir, 'tiny.bin'), Buffer.from([1, 2]));
    expect(readDigitCache(join(dir, 'tiny.bin'), 784)).toBeNull();
  });

  it('a folder that cannot be written is skipped without an error or a partial file', () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    expect(() => writeDigitCache(join(blocker, 'digits.bin'), 784, decoded)).not.toThrow();
    expect(existsSync(join(blocker, 'digits.bin'))).toBe(false);
  });

  it('lives in RETAINLAB_CACHE_DIR when it is set, named by the mnist package version', () => {
    const before = process.env.RETAINLAB_CACHE_DIR;
    process.env.RETAINLAB_CACHE_DIR = dir;
    try {
      expect(cacheDir()).toBe(dir);
      expect(digitCacheFile()).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/mnist-digits-\\d+\\.\\d+\\.\\d+\\.bin$`));
    } finally {
      if (before === undefined) delete process.env.RETAINLAB_CACHE_DIR;
      else process.env.RETAINLAB_CACHE_DIR = before;
    }
  });
});
