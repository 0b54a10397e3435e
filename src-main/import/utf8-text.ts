import { ImportError } from './import-error';
import type { FileInput } from './file-input';

function countLines(text: string, end = text.length): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Streams a file as UTF-8 text (BOM dropped), calling `onBytes` with the bytes read so far.
 * Invalid UTF-8 is an error naming the line, since silently replaced characters would corrupt labels and texts.
 */
export async function* utf8Chunks(input: FileInput, onBytes: (bytes: number) => void = () => {}): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let lines = 0;
  let bytes = 0;
  for await (const chunk of await input.open()) {
    let text: string;
    try {
      text = decoder.decode(chunk as Buffer, { stream: true });
    } catch {
      const lossy = new TextDecoder('utf-8').decode(chunk as Buffer);
      const line = lines + countLines(lossy, Math.max(0, lossy.indexOf('\uFFFD'))) + 1;
      throw new ImportError(`${input.name} is not valid UTF-8 text (line ${line}): save it as UTF-8, e.g. from Latin-1 or Windows-1252, and import it again`);
    }
    bytes += (chunk as Buffer).length;
    lines += countLines(text);
    onBytes(bytes);
    if (text) yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw new ImportError(`${input.name} is not valid UTF-8 text (it ends inside a character, line ${lines + 1}): save it as UTF-8 and import it again`);
  }
}
