import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MAGIC = 0x31444c52; // "RLD1", little-endian
const HEADER_BYTES = 12;

/** Decoded images and labels: n rows of `pixels` floats, n labels. */
export interface DigitArrays {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

/** The user's cache folder for RetainLab (RETAINLAB_CACHE_DIR, else the platform's cache folder). */
export function cacheDir(): string {
  if (process.env.RETAINLAB_CACHE_DIR) return process.env.RETAINLAB_CACHE_DIR;
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'RetainLab', 'cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'RetainLab');
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'retainlab');
}

/**
 * The arrays stored in `file` by writeDigitCache, or null where the file is missing, truncated, of
 * another format or of another image size: a cache is only ever a shortcut, never a source of truth.
 */
export function readDigitCache(file: string, pixels: number): DigitArrays | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  if (bytes.length < HEADER_BYTES) return null;
  const [magic, n, stored] = [bytes.readUInt32LE(0), bytes.readUInt32LE(4), bytes.readUInt32LE(8)];
  if (magic !== MAGIC || stored !== pixels || bytes.length !== HEADER_BYTES + 4 * n * (1 + pixels)) return null;
  // Views on the file's bytes where they are aligned (a large file's Buffer starts its own memory), else copies.
  const aligned = bytes.byteOffset % 4 === 0;
  const at = bytes.byteOffset + HEADER_BYTES;
  const source = aligned ? bytes : new Uint8Array(bytes);
  const base = aligned ? at : HEADER_BYTES;
  return { y: new Int32Array(source.buffer, base, n), x: new Float32Array(source.buffer, base + 4 * n, n * pixels), n };
}

/**
 * Stores decoded arrays in `file` for the next process (a new name first, then renamed over, so a
 * reader never sees half a file). A cache that cannot be written is skipped: the caller has the data.
 */
export function writeDigitCache(file: string, pixels: number, data: DigitArrays): void {
  const partial = `${file}.${process.pid}.partial`;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
  } catch {
    return;
  }
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(MAGIC, 0);
    header.writeUInt32LE(data.n, 4);
    header.writeUInt32LE(pixels, 8);
    writeFileSync(
      partial,
      Buffer.concat([
        header,
        Buffer.from(data.y.buffer, data.y.byteOffset, data.y.byteLength),
        Buffer.from(data.x.buffer, data.x.byteOffset, data.x.byteLength),
      ]),
    );
    renameSync(partial, file);
  } catch {
    rmSync(partial, { force: true });
  }
}
