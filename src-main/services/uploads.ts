import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { ImportSource } from '../../src-shared/datasets';
import { ImportError } from '../import/import-error';

/** Largest single uploaded file (browser mode). */
export const MAX_UPLOAD_BYTES = 4 * 2 ** 30;
/** Default of how much browser mode holds in uploads not yet imported (`retainlab serve --upload-quota GIB`). */
export const DEFAULT_UPLOAD_QUOTA_BYTES = 2 * 2 ** 30;
/** An upload nobody imported within this long was abandoned (a preview, then a closed page): it is removed. */
export const STALE_UPLOAD_MS = 3_600_000;
const UPLOAD_ID = /^up-[0-9a-f]{16}$/;

/** The folder under the data directory where browser-mode uploads are staged until imported. */
export function uploadsDir(dataDir: string): string {
  return join(dataDir, 'uploads');
}

/** A fresh upload id. */
export function newUploadId(): string {
  return `up-${randomBytes(8).toString('hex')}`;
}

/** Checks an upload id (they name folders, so nothing else may pass). */
export function isUploadId(id: string): boolean {
  return UPLOAD_ID.test(id);
}

/** A relative path from a request, checked segment by segment so it stays inside its upload folder. */
export function safeRelativePath(raw: string): string {
  // Decode before splitting: an encoded slash (..%2F) must not hide a segment.
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new ImportError(`'${raw}' is not an acceptable upload path`);
  }
  const segments = decoded.split('/');
  const bad = segments.find((s) => s === '' || s === '.' || s === '..' || /[\\\0]/.test(s) || s.length > 255);
  if (bad !== undefined || segments.length > 16 || /^[a-zA-Z]:/.test(segments[0])) throw new ImportError(`'${raw}' is not an acceptable upload path`);
  return segments.join('/');
}

/** Bytes held by the files under a folder (0 when it does not exist). */
function bytesUnder(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + bytesUnder(join(path, name)), 0);
}

/** Removes upload folders nobody touched for STALE_UPLOAD_MS (abandoned before an import). */
export function removeStaleUploads(dataDir: string, now = Date.now()): void {
  const root = uploadsDir(dataDir);
  if (!existsSync(root)) return;
  for (const id of readdirSync(root)) {
    const folder = join(root, id);
    if (isUploadId(id) && now - statSync(folder).mtimeMs > STALE_UPLOAD_MS) rmSync(folder, { recursive: true, force: true });
  }
}

/** An upload refused for its size: the file alone, or the room left in the quota (HTTP 413). */
export class UploadTooLargeError extends ImportError {
  override name = 'UploadTooLargeError';
}

/**
 * Streams one uploaded file into its upload folder; a body over the per-file limit, or over what the
 * quota of staged uploads leaves, is cut off and removed.
 */
export async function writeUpload(
  dataDir: string,
  id: string,
  relPath: string,
  body: Readable,
  limits: { file?: number; quota?: number } = {},
): Promise<number> {
  if (!isUploadId(id)) throw new ImportError(`'${id}' is not an upload id`);
  const { file = MAX_UPLOAD_BYTES, quota = DEFAULT_UPLOAD_QUOTA_BYTES } = limits;
  const target = join(uploadsDir(dataDir), id, ...safeRelativePath(relPath).split('/'));
  removeStaleUploads(dataDir);
  const room = quota - bytesUnder(uploadsDir(dataDir));
  mkdirSync(dirname(target), { recursive: true });
  let bytes = 0;
  const out = createWriteStream(target, { flags: 'wx' });
  try {
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          if (bytes > file) throw new UploadTooLargeError(`${relPath} is larger than the upload limit of ${gib(file)} GiB`);
          if (bytes > room)
            throw new UploadTooLargeError(
              `${relPath} does not fit: browser mode holds at most ${gib(quota)} GiB of uploads not yet imported (import or drop those first, or start it with retainlab serve --upload-quota GIB)`,
            );
          yield chunk;
        }
      },
      out,
    );
  } catch (err) {
    // The refused file's stream may still be opening it when the pipeline fails: removed once closed, it stays removed.
    if (!out.closed) await once(out, 'close').catch(() => {});
    rmSync(target, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ImportError(`${relPath} was already uploaded`);
    throw err;
  }
  return bytes;
}

const gib = (bytes: number) => Math.round((bytes / 2 ** 30) * 100) / 100;

/**
 * The local path an import reads: a path as given, or an upload's folder — its single top-level
 * entry when there is one (a dropped file or folder), else the folder holding the dropped files.
 */
export function resolveSource(dataDir: string, source: ImportSource): string {
  if (source.kind === 'path') return source.path;
  if (!isUploadId(source.id)) throw new ImportError(`'${source.id}' is not an upload id`);
  const folder = join(uploadsDir(dataDir), source.id);
  if (!existsSync(folder)) throw new ImportError(`Upload ${source.id} does not exist (it was imported already, or the server restarted)`);
  const entries = readdirSync(folder);
  return entries.length === 1 ? join(folder, entries[0]) : folder;
}

/** Removes one upload (after its import). */
export function discardUpload(dataDir: string, source: ImportSource): void {
  if (source.kind === 'upload' && isUploadId(source.id)) rmSync(join(uploadsDir(dataDir), source.id), { recursive: true, force: true });
}

/** Removes every staged upload (at start: uploads do not outlive the server that received them). */
export function clearUploads(dataDir: string): void {
  rmSync(uploadsDir(dataDir), { recursive: true, force: true });
}
