import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';

/** One file to read, on disk or inside a zip: a display name, its size and a way to stream its bytes. */
export interface FileInput {
  /** Path shown in messages, relative to what the researcher dropped (e.g. `cats/3.png`). */
  name: string;
  size: number;
  open(): Promise<Readable>;
}

/** A file on disk as a FileInput. */
export function diskFile(path: string, name = basename(path)): FileInput {
  const size = statSync(path).size;
  // Each read allocates a whole highWaterMark: a MiB buffer costs milliseconds per open, which a
  // folder of small images (or the three looks detection takes at a small table) pays every time.
  const highWaterMark = Math.min(1 << 20, Math.max(64 * 1024, size + 1));
  return { name, size, open: async () => createReadStream(path, { highWaterMark }) };
}

/** Reads a whole (small) input into memory, refusing more than `limit` bytes. */
export async function readAll(input: FileInput, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await input.open()) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(`${input.name} is larger than ${Math.round(limit / 2 ** 20)} MiB`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The first bytes of an input (for format detection by content). */
export async function readHead(input: FileInput, n = 512): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = await input.open();
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= n) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, n);
}
