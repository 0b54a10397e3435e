import { ZipFile } from 'yazl';

/** One file of a zip archive. */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

// 1980-01-01 (the zip epoch) as a plain DOS timestamp, so the same entries give the same bytes in every time zone.
const ENTRY_OPTIONS = { mtime: new Date(1980, 0, 1), forceDosTimestamp: true, mode: 0o100644 };

/** Writes a zip archive of in-memory files with yazl (deflated, UTF-8 names, zip64 only where needed). */
export async function writeZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of entries) zip.addBuffer(entry.data, entry.name, ENTRY_OPTIONS);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
