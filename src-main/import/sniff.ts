import { extname } from 'node:path';
import { ImportError } from './import-error';

/** What a file's first bytes say it is. */
export type ContentType = 'png' | 'jpeg' | 'zip' | 'npy' | 'gif' | 'pdf' | 'gzip' | 'utf16' | 'binary' | 'text' | 'empty';

const LABELS: Record<ContentType, string> = {
  png: 'a PNG image',
  jpeg: 'a JPEG image',
  zip: 'a ZIP archive',
  npy: 'a NumPy .npy array',
  gif: 'a GIF image',
  pdf: 'a PDF document',
  gzip: 'a gzip archive',
  utf16: 'UTF-16 text',
  binary: 'binary data',
  text: 'text',
  empty: 'empty',
};

/** Recognises a file by its magic bytes (PNG, JPEG, ZIP, NPY, …), else text or binary. */
export function sniff(head: Buffer): ContentType {
  if (head.length === 0) return 'empty';
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return 'zip';
  if (starts(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59)) return 'npy';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'pdf';
  if (starts(0x1f, 0x8b)) return 'gzip';
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) return 'utf16';
  // NUL bytes do not occur in UTF-8 text files; other control bytes are rare enough to call binary.
  const sample = head.subarray(0, 512);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return 'binary';
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  return control > sample.length / 10 ? 'binary' : 'text';
}

/** How a content type reads in a message ("a ZIP archive"). */
export function describeContent(type: ContentType): string {
  return LABELS[type];
}

const EXPECTED: Record<string, ContentType[]> = {
  '.csv': ['text'],
  '.tsv': ['text'],
  '.txt': ['text'],
  '.jsonl': ['text'],
  '.ndjson': ['text'],
  '.json': ['text'],
  '.png': ['png'],
  '.jpg': ['jpeg'],
  '.jpeg': ['jpeg'],
  '.zip': ['zip'],
  '.npz': ['zip'],
  '.npy': ['npy'],
};

/** Refuses a file whose content is not what its extension says (a .csv that is really a zip, a .png that is text). */
export function checkExtension(name: string, type: ContentType): void {
  if (type === 'empty') throw new ImportError(`${name} is empty: there is nothing to import`);
  if (type === 'utf16') throw new ImportError(`${name} is UTF-16 text: save it as UTF-8 and import it again`);
  const expected = EXPECTED[extname(name).toLowerCase()];
  if (expected && !expected.includes(type)) {
    throw new ImportError(
      `${name} is ${describeContent(type)} by its content, not ${describeContent(expected[0])} as its extension says: check the file, or fix its extension`,
    );
  }
}
