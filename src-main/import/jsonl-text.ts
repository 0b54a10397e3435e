import type { ImportOptions } from '../../src-shared/datasets';
import type { FileInput } from './file-input';
import { ImportError } from './import-error';
import { BATCH_ROWS, type RowSink } from './sink';
import { utf8Chunks } from './utf8-text';

const LABEL_KEYS = ['label', 'labels', 'class', 'category', 'target', 'y', 'sentiment', 'intent'];
const TEXT_KEYS = ['text', 'sentence', 'content', 'body', 'review', 'document', 'message', 'comment', 'tweet'];

type Obj = Record<string, unknown>;

/** A longer line is refused rather than buffered (as for CSV records): it is a file without line breaks, not JSONL. */
const MAX_LINE_CHARS = 16 * 2 ** 20;

function parseLine(line: string, name: string, lineNo: number): Obj {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new ImportError(`${name}, line ${lineNo}: not valid JSON (${(err as Error).message}); JSONL needs one JSON object per line`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new ImportError(
      `${name}, line ${lineNo}: a JSON object like {"text": …, "label": …} is needed, not ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
    );
  return value as Obj;
}

/** The key for a role: the researcher's choice, a conventional name, or (for text) the longest string value. */
function chooseKey(first: Obj, wanted: string | undefined, conventional: string[], role: string, name: string, exclude?: string): string {
  const keys = Object.keys(first);
  if (wanted) {
    if (!(wanted in first))
      throw new ImportError(`${name}: the first object has no key '${wanted}' for the ${role}; its keys are ${keys.map((k) => `'${k}'`).join(', ')}`);
    return wanted;
  }
  const named = conventional.find((k) => k in first && k !== exclude);
  if (named) return named;
  if (role === 'text') {
    const longest = keys
      .filter((k) => k !== exclude && typeof first[k] === 'string')
      .sort((a, b) => (first[b] as string).length - (first[a] as string).length)[0];
    if (longest) return longest;
  }
  throw new ImportError(`${name}: which key holds the ${role}? The objects have ${keys.map((k) => `'${k}'`).join(', ')}: choose the ${role} key`);
}

/** Reads text classification data as JSON Lines: one object per line with a text and a label. */
export async function readJsonlText(input: FileInput, options: ImportOptions, sink: RowSink): Promise<void> {
  const name = input.name;
  let keys: { text: string; label: string } | null = null;
  let texts: string[] = [];
  let labels: string[] = [];
  let lineNo = 0;
  let rest = '';
  const take = (line: string) => {
    lineNo++;
    if (!line.trim()) return;
    const obj = parseLine(line, name, lineNo);
    if (!keys) {
      const label = chooseKey(obj, options.labelColumn, LABEL_KEYS, 'label', name);
      keys = { label, text: chooseKey(obj, options.textColumn, TEXT_KEYS, 'text', name, label) };
      if (keys.text === keys.label) throw new ImportError(`${name}: the text and the label cannot both be '${keys.label}'`);
      sink.start({ kind: 'text', format: 'jsonl', shape: [], featureNames: [], columns: Object.keys(obj), labelColumn: keys.label, textColumn: keys.text });
    }
    const text = obj[keys.text];
    const label = obj[keys.label];
    if (typeof text !== 'string')
      throw new ImportError(
        `${name}, line ${lineNo}: '${keys.text}' must be a string, got ${text === undefined ? 'nothing' : JSON.stringify(text).slice(0, 40)}`,
      );
    if (label === undefined || label === null || label === '')
      throw new ImportError(`${name}, line ${lineNo}: no label in '${keys.label}'; every line needs one`);
    if (typeof label !== 'string' && typeof label !== 'number' && typeof label !== 'boolean')
      throw new ImportError(`${name}, line ${lineNo}: the label must be a string or a number, got ${JSON.stringify(label).slice(0, 40)}`);
    texts.push(text);
    labels.push(String(label).trim());
    if (labels.length === BATCH_ROWS) {
      sink.texts(texts, labels);
      texts = [];
      labels = [];
    }
  };
  for await (const chunk of utf8Chunks(input, (bytes) => sink.progress(input.size ? bytes / input.size : null))) {
    // Only the new chunk is split: a long line grows as a rope, never copied whole on every chunk.
    const lines = chunk.split('\n');
    lines[0] = rest + lines[0];
    rest = lines.pop()!;
    lines.forEach(take);
    if (rest.length > MAX_LINE_CHARS)
      throw new ImportError(`${name}, line ${lineNo + 1}: a line longer than ${MAX_LINE_CHARS / 2 ** 20} MiB; JSONL needs one JSON object per line`);
  }
  take(rest);
  if (!keys) throw new ImportError(`${name} is empty: it has no JSON lines`);
  if (labels.length) sink.texts(texts, labels);
}
