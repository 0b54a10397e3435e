import { csvRecords, type CsvRecord } from './csv-records';
import type { FileInput } from './file-input';
import { ImportError } from './import-error';
import { importLimits, overLimit } from './limits';
import { batchRowsFor, type RowSink } from './sink';
import { DELIMITER_NAMES, type ImportOptions, type TableDelimiter } from '../../src-shared/datasets';

const LABEL_NAMES = /^(label|labels|class|classes|target|y|species|category|digit|outcome)$/i;
const TEXT_NAMES = /^(text|sentence|content|body|review|document|message|comment|tweet)$/i;
const NON_FINITE = /^\s*[+-]?(nan|inf|infinity)\s*$/i;
const DECIMAL_COMMA = /^\s*[+-]?\d*,\d+(e[+-]?\d+)?\s*$/i;
const SAMPLE_RECORDS = 200;
/** Fields held by the read-ahead sample at most: a wide table gets fewer sample records. */
const SAMPLE_FIELDS = 1_000_000;

/**
 * A record of a semicolon table with its decimal commas as points ("1,5" → "1.5"): spreadsheets
 * where the comma is the decimal mark export semicolon tables for that very reason.
 */
function withDecimalPoints(r: CsvRecord): CsvRecord {
  return { ...r, fields: r.fields.map((f) => (DECIMAL_COMMA.test(f) ? f.replace(',', '.') : f)) };
}

function isNumber(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

/** The column a researcher named, or a clear error listing the columns there are. */
function findColumn(columns: string[], wanted: string, name: string, role: string): number {
  const i = columns.indexOf(wanted);
  if (i >= 0) return i;
  const ci = columns.findIndex((c) => c.toLowerCase() === wanted.toLowerCase());
  if (ci >= 0) return ci;
  throw new ImportError(`${name} has no column '${wanted}' for the ${role}; its columns are ${columns.map((c) => `'${c}'`).join(', ')}`);
}

/** Header names, or `column N` names when the first record is data (every field a number). */
function readHeader(first: CsvRecord, name: string): { columns: string[]; hasHeader: boolean } {
  if (first.fields.every(isNumber)) return { columns: first.fields.map((_, i) => `column ${i + 1}`), hasHeader: false };
  const columns = first.fields.map((f, i) => f.trim() || `column ${i + 1}`);
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new ImportError(`${name}: the header names column '${c}' twice; give every column its own name`);
    seen.add(c);
  }
  return { columns, hasHeader: true };
}

/** Text classification when a non-label column holds words (long values with spaces), else numeric features. */
function guessKind(columns: string[], sample: CsvRecord[], label: number): { kind: 'tabular' | 'text'; textColumn: number } {
  let best = -1;
  let bestLength = 0;
  columns.forEach((_, c) => {
    if (c === label) return;
    const values = sample.map((r) => r.fields[c] ?? '').filter((v) => v.trim() !== '');
    if (!values.length || values.every(isNumber)) return;
    const avg = values.reduce((n, v) => n + v.length, 0) / values.length;
    const wordy = values.filter((v) => /\s/.test(v.trim())).length >= values.length / 2;
    if ((avg >= 20 || wordy) && avg > bestLength) {
      best = c;
      bestLength = avg;
    }
  });
  return best >= 0 ? { kind: 'text', textColumn: best } : { kind: 'tabular', textColumn: -1 };
}

/** One feature value; empty, NaN/Inf and non-numbers are errors that name the line and the column. */
function parseFeature(field: string, name: string, line: number, column: string): number {
  const v = +field;
  if (Number.isFinite(v) && (v !== 0 || field.trim() !== '')) return v;
  if (field.trim() === '')
    throw new ImportError(`${name}, line ${line}, column '${column}': empty value; missing features are not supported (fill them in or drop the row)`);
  if (NON_FINITE.test(field) || v === Infinity || v === -Infinity)
    throw new ImportError(`${name}, line ${line}, column '${column}': ${field.trim()} is not a finite number; replace NaN/Inf values before importing`);
  throw new ImportError(
    `${name}, line ${line}, column '${column}': '${field.length > 40 ? `${field.slice(0, 40)}…` : field}' is not a number; features must be numeric (is '${column}' the label column?)`,
  );
}

/**
 * Reads a CSV/TSV table (RFC 4180) as numeric features plus a label column, or as text
 * classification (a text column plus a label column), streaming so memory stays bounded.
 */
export async function readCsvTable(input: FileInput, delimiter: TableDelimiter, options: ImportOptions, sink: RowSink): Promise<void> {
  const records = csvRecords(input, delimiter, (bytes) => sink.progress(input.size ? bytes / input.size : null));
  try {
    await readRecords(input.name, records, delimiter, options, sink);
  } finally {
    // Closes the file when an error stops the reading early.
    await records.return(undefined);
  }
}

async function readRecords(name: string, records: AsyncGenerator<CsvRecord>, delimiter: TableDelimiter, options: ImportOptions, sink: RowSink): Promise<void> {
  const limits = importLimits();
  const pending: CsvRecord[] = [];
  let sampleSize = SAMPLE_RECORDS + 1;
  const clean = delimiter === ';' ? withDecimalPoints : (r: CsvRecord) => r;
  // Read ahead a sample: the header and the kind of table are decided on it. Each record is held to
  // the column limit as it comes (csvRecords stops a far longer one while parsing it), and a wide
  // table gets a smaller sample, so the sample's fields stay bounded.
  while (pending.length < sampleSize) {
    const next = await records.next();
    if (next.done) break;
    if (next.value.fields.length > limits.maxColumns)
      throw overLimit('maxColumns', limits, `${name}, line ${next.value.line} has ${next.value.fields.length.toLocaleString('en')} columns`);
    if (!pending.length) sampleSize = Math.max(2, Math.min(sampleSize, Math.floor(SAMPLE_FIELDS / next.value.fields.length)));
    pending.push(clean(next.value));
  }
  if (!pending.length) throw new ImportError(`${name} is empty: it has no rows`);
  const { columns, hasHeader } = readHeader(pending[0], name);
  if (hasHeader) pending.shift();
  if (!pending.length) throw new ImportError(`${name} has a header but no data rows`);
  if (columns.length < 2)
    throw new ImportError(
      `${name} has a single column when read with ${DELIMITER_NAMES[delimiter]} as the delimiter: a dataset needs features (or a text) and a label column; if its fields are separated by another character, choose the delimiter (--delimiter)`,
    );

  const namedLabel = columns.findIndex((c) => LABEL_NAMES.test(c));
  // Without a choice: a column named like a label, else the last one (the usual layout).
  const labelIndex = options.labelColumn ? findColumn(columns, options.labelColumn, name, 'label') : namedLabel >= 0 ? namedLabel : columns.length - 1;
  let kind = options.tableKind;
  let textIndex = -1;
  if (options.textColumn) {
    kind ??= 'text';
    textIndex = findColumn(columns, options.textColumn, name, 'text');
  }
  if (!kind || (kind === 'text' && textIndex < 0)) {
    const guess = guessKind(columns, pending.slice(0, SAMPLE_RECORDS), labelIndex);
    kind ??= guess.kind;
    if (kind === 'text') {
      const named = columns.findIndex((c, i) => i !== labelIndex && TEXT_NAMES.test(c));
      textIndex = named >= 0 ? named : guess.textColumn;
      if (textIndex < 0) throw new ImportError(`${name}: no column looks like text; choose the text column`);
    }
  }
  if (textIndex === labelIndex) throw new ImportError(`${name}: the text and the label cannot both be column '${columns[labelIndex]}'`);

  const features = columns.map((_, i) => i).filter((i) => i !== labelIndex);
  const format = delimiter === '\t' ? 'tsv' : 'csv';
  sink.start({
    kind,
    format: kind === 'text' ? 'text-csv' : format,
    shape: kind === 'text' ? [] : [1, features.length, 1],
    featureNames: kind === 'text' ? [] : features.map((i) => columns[i]),
    columns,
    labelColumn: columns[labelIndex],
    textColumn: kind === 'text' ? columns[textIndex] : null,
  });
  if (kind === 'text' && columns.length > 2)
    sink.warn(`Only '${columns[textIndex]}' (text) and '${columns[labelIndex]}' (label) are imported; the other ${columns.length - 2} columns are ignored.`);

  const dim = features.length;
  const batch = kind === 'text' ? 256 : batchRowsFor(dim);
  let x = new Float32Array(kind === 'text' ? 0 : batch * dim);
  let texts: string[] = [];
  let labels: string[] = [];
  const flush = () => {
    if (!labels.length) return;
    if (kind === 'text') sink.texts(texts, labels);
    else sink.features(x.subarray(0, labels.length * dim), labels);
    x = new Float32Array(kind === 'text' ? 0 : batch * dim);
    texts = [];
    labels = [];
  };
  const take = (r: CsvRecord) => {
    if (r.fields.length !== columns.length) {
      throw new ImportError(
        `${name}, line ${r.line} has ${r.fields.length} field${r.fields.length === 1 ? '' : 's'}; ${hasHeader ? 'the header has' : 'the first row has'} ${columns.length} (a missing or extra delimiter, or an unquoted field that contains one)`,
      );
    }
    const labelValue = r.fields[labelIndex].trim();
    if (labelValue === '') throw new ImportError(`${name}, line ${r.line}: no label in column '${columns[labelIndex]}'; every row needs one`);
    if (kind === 'text') texts.push(r.fields[textIndex]);
    else {
      const row = labels.length * dim;
      for (let k = 0; k < dim; k++) x[row + k] = parseFeature(r.fields[features[k]], name, r.line, columns[features[k]]);
    }
    labels.push(labelValue);
    if (labels.length === batch) flush();
  };
  pending.forEach(take);
  for await (const r of records) take(clean(r));
  flush();
}
