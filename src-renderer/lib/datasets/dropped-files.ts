import type { DroppedFile } from '../api/transport';

/** Every file below a dropped entry (folders read recursively), with paths relative to the drop. */
async function walkEntry(entry: FileSystemEntry, prefix: string): Promise<DroppedFile[]> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ file, path }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries answers in batches (100 in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    children.push(...batch);
  }
  return (await Promise.all(children.map((c) => walkEntry(c, path)))).flat();
}

/** The files of a drop, folders included (read before the event ends, as the browser requires). */
export async function filesFromDrop(transfer: DataTransfer): Promise<DroppedFile[]> {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  if (entries.length) return (await Promise.all(entries.map((e) => walkEntry(e, '')))).flat();
  return [...transfer.files].map((file) => ({ file, path: file.name }));
}

/** The files of a file or folder picker (a folder picker gives each file's relative path). */
export function filesFromInput(list: FileList | null): DroppedFile[] {
  return [...(list ?? [])].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/**
 * Whether a drop is a base model rather than a dataset: a TensorFlow.js model (model.json with its weight files), a Keras file, or a
 * Hugging Face checkpoint (safetensors, or a config.json with the tokenizer files: an incomplete one is refused by the import, by name).
 */
export function isModelDrop(files: DroppedFile[]): boolean {
  const named = (pattern: RegExp) => files.some((f) => pattern.test(f.path));
  if (named(/(^|\/)model\.json$/) && named(/\.bin$/)) return true;
  // A Keras file is refused by the model import with the converter command that makes it importable.
  if (named(/\.(h5|hdf5|keras)$/i)) return true;
  const weights = named(/\.safetensors$|(^|\/)model\.safetensors\.index\.json$/);
  return weights || (named(/(^|\/)config\.json$/) && named(/(^|\/)(tokenizer\.json|vocab\.txt|merges\.txt)$/));
}
