import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { FileInput } from './file-input';
import { ImportError } from './import-error';

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

/**
 * Opens a zip (ZIP64 included) and lists its files. An entry that points outside the archive's
 * folder refuses the whole archive: nothing is read from it, and nothing is ever written to disk.
 */
export async function openZip(path: string, name = basename(path)): Promise<ZipArchive> {
  // decodeStrings off: the names are checked here first, so the refusal names the bad entry.
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z!))),
  ).catch((err: Error) => {
    throw new ImportError(`${name} is not a readable zip archive (${err.message})`);
  });
  const entries: FileInput[] = [];
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
        if (!fileName.endsWith('/')) {
          entries.push({
            name: `${name}/${fileName}`,
            size: entry.uncompressedSize,
            open: () =>
              new Promise<Readable>((res, rej) =>
                zip.openReadStream(entry, (err, stream) => (err ? rej(new ImportError(`${name}/${fileName}: ${err.message}`)) : res(stream!))),
              ),
          });
        }
        zip.readEntry();
      });
      zip.readEntry();
    });
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
