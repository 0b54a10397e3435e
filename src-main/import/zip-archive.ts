import { basename } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { FileInput } from './file-input';
import { ImportError } from './import-error';
import { formatBytes, importLimits, overLimit, RATIO_EXEMPT_BYTES, type ImportLimits } from './limits';

/** An open zip: its file entries as inputs (read straight from the archive, never extracted to disk). */
export interface ZipArchive {
  entries: FileInput[];
  close(): void;
}

const MAX_ENTRIES = 2_000_000;

/** Whether an entry name would land outside the folder it is extracted to (../, absolute, drive letters). */
export function escapesFolder(entryName: string): boolean {
  const normal = entryName.replace(/\\/g, '/');
  return normal.startsWith('/') || /^[a-zA-Z]:/.test(normal) || normal.split('/').includes('..');
}

/** Unix file type bits of an entry (the high half of its external attributes), as zip tools on Unix and macOS store them. */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Whether an entry is a symbolic link: its data is the link's target path, never the file it names. */
function isSymlink(entry: yauzl.Entry): boolean {
  return ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

/**
 * Refuses an entry, before a byte of it is inflated, that declares more than the archive may
 * expand to, or that expands more than the ratio allows (a few MB of deflated zeros declaring a GB).
 */
function checkEntrySize(entry: yauzl.Entry, label: string, unzipped: number, limits: ImportLimits): void {
  const size = entry.uncompressedSize;
  if (unzipped > limits.maxUnzippedBytes)
    throw overLimit(
      'maxUnzippedBytes',
      limits,
      `${label} expands to ${formatBytes(size)}${unzipped > size ? `, the archive to ${formatBytes(unzipped)} so far` : ''}`,
    );
  if (size > RATIO_EXEMPT_BYTES && size > limits.maxExpansionRatio * entry.compressedSize) {
    const ratio = entry.compressedSize ? `${Math.round(size / entry.compressedSize)}×` : 'from nothing';
    throw overLimit(
      'maxExpansionRatio',
      limits,
      `${label} expands ${ratio} (${formatBytes(entry.compressedSize)} to ${formatBytes(size)}): a zip bomb, or data far more repetitive than any dataset`,
    );
  }
}

/**
 * An entry's stream as the readers see it: yauzl already stops one that inflates past its declared
 * size (validateEntrySizes), and its errors, and zlib's, become import errors naming the entry.
 */
function guarded(stream: Readable, label: string): Readable {
  const out = new PassThrough();
  stream.on('error', (err: Error) => {
    const message = /too many bytes/.test(err.message)
      ? `${label} inflates to more than its zip entry declares (${err.message}): the archive is damaged or crafted`
      : `${label} cannot be read from the archive (${err.message})`;
    out.destroy(new ImportError(message));
  });
  out.on('close', () => stream.destroy());
  return stream.pipe(out);
}

/**
 * Opens a zip (ZIP64 included) and lists its files. An entry that points outside the archive's
 * folder, or that is a symbolic link, refuses the whole archive: nothing is read from it, and
 * nothing is ever written to disk. The sizes members declare are held to the limits (ImportLimits)
 * before anything is inflated; while inflating, no member may exceed what it declared.
 */
export async function openZip(path: string, name = basename(path)): Promise<ZipArchive> {
  // decodeStrings off: the names are checked here first, so the refusal names the bad entry.
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z!))),
  ).catch((err: Error) => {
    throw new ImportError(`${name} is not a readable zip archive (${err.message})`);
  });
  const entries: FileInput[] = [];
  const limits = importLimits();
  let unzipped = 0;
  let compressed = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const raw = entry.fileName as unknown as Buffer;
        // Bit 11: UTF-8 names; otherwise CP437, whose ASCII range is all a path check needs.
        const fileName = (entry.generalPurposeBitFlag & 0x800) !== 0 ? raw.toString('utf8') : raw.toString('latin1');
        if (escapesFolder(fileName)) {
          reject(new ImportError(`${name} contains '${fileName}', a path outside the archive's folder: the zip is refused and nothing was extracted`));
          return;
        }
        if (entries.length >= MAX_ENTRIES) {
          reject(new ImportError(`${name} has more than ${MAX_ENTRIES.toLocaleString('en')} entries`));
          return;
        }
        const label = `${name}/${fileName}`;
        if (isSymlink(entry)) {
          reject(new ImportError(`${label} is a symbolic link: links inside archives are not followed; put the file itself in the zip`));
          return;
        }
        unzipped += entry.uncompressedSize;
        compressed += entry.compressedSize;
        try {
          checkEntrySize(entry, label, unzipped, limits);
        } catch (err) {
          reject(err);
          return;
        }
        if (!fileName.endsWith('/')) {
          entries.push({
            name: label,
            size: entry.uncompressedSize,
            open: () =>
              new Promise<Readable>((res, rej) =>
                zip.openReadStream(entry, (err, stream) => (err ? rej(new ImportError(`${label}: ${err.message}`)) : res(guarded(stream!, label)))),
              ),
          });
        }
        zip.readEntry();
      });
      zip.readEntry();
    });
    // Many small members, each under the exemption, can still make a bomb together.
    if (unzipped > RATIO_EXEMPT_BYTES && unzipped > limits.maxExpansionRatio * Math.max(compressed, 1))
      throw overLimit(
        'maxExpansionRatio',
        limits,
        `${name} expands ${Math.round(unzipped / Math.max(compressed, 1))}× in all (${formatBytes(compressed)} to ${formatBytes(unzipped)})`,
      );
  } catch (err) {
    zip.close();
    if (err instanceof ImportError) throw err;
    throw new ImportError(`${name} is not a readable zip archive (${(err as Error).message})`);
  }
  return { entries, close: () => zip.close() };
}

/** An entry's path inside its archive (its FileInput name without the archive's name). */
export function entryPath(archiveName: string, input: FileInput): string {
  return input.name.slice(archiveName.length + 1);
}
