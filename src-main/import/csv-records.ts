import { Readable, pipeline } from 'node:stream';
import { CsvError, parse, type Info, type Parser } from 'csv-parse';
import type { FileInput } from './file-input';
import { ImportError } from './import-error';
import { importLimits, overLimit } from './limits';
import { utf8Chunks } from './utf8-text';

/** One CSV record with the line it starts on (1-based, for messages). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** A longer record is refused rather than buffered: it is nearly always a quote that is never closed. */
const MAX_RECORD_BYTES = 16 * 2 ** 20;

/**
 * Every line ending ends a record, wherever it appears: left to itself csv-parse takes the first one
 * it meets as the only delimiter, so a file mixing CRLF and LF (a concatenation, an edit in another
 * editor) would run records together or keep a stray `\r`. CRLF comes first: csv-parse tries them in order.
 */
const RECORD_DELIMITERS = ['\r\n', '\n', '\r'];

/**
 * The line each record starts on. csv-parse counts a CRLF inside a quoted field as two lines
 * (and reports the line a record ends on), so lines are counted here from its record and
 * empty-line counts, with every CRLF inside a field counted once.
 */
class LineCounter {
  /** csv-parse's line count and empty-line count after the last record. */
  private parsedLines = 0;
  private emptyLines = 0;
  /** The true line the last record ended on. */
  private line = 0;

  /** The line a record starts on (call once per record, in order). */
  record(fields: string[], info: Info): number {
    const start = this.nextStart(info.empty_lines);
    const span = info.lines - this.parsedLines - (info.empty_lines - this.emptyLines);
    // Only a record spanning lines can hold a CRLF; the scan is skipped for all others.
    const crlfs = span > 1 ? fields.reduce((n, f) => n + (f.match(/\r\n/g)?.length ?? 0), 0) : 0;
    this.parsedLines = info.lines;
    this.emptyLines = info.empty_lines;
    this.line = start + span - 1 - crlfs;
    return start;
  }

  /** The line csv-parse was on when it failed, and the line the failing record starts on. */
  failure(err: CsvError): { line: number; recordLine: number } {
    const recordLine = this.nextStart(Number(err.empty_lines ?? this.emptyLines));
    const rawStart = this.parsedLines + 1 + (Number(err.empty_lines ?? this.emptyLines) - this.emptyLines);
    return { line: recordLine + Math.max(0, Number(err.lines ?? rawStart) - rawStart), recordLine };
  }

  private nextStart(emptyLines: number): number {
    return this.line + 1 + (emptyLines - this.emptyLines);
  }
}

/**
 * Fields of the record csv-parse is in the middle of. It builds a whole record before handing it
 * on, so 16 MiB of delimiters would become 16 million fields (a GB) before any check outside it:
 * its internal state (csv-parse 7 keeps the record in `state.record`) is looked at between chunks.
 */
function fieldsSoFar(parser: Parser): number {
  return (parser as unknown as { state: { record: unknown[] } }).state.record.length;
}

/** A csv-parse error as a message naming the file, the line and the field, with what to change. */
function describeFailure(name: string, err: CsvError, lines: LineCounter): string {
  const { line, recordLine } = lines.failure(err);
  const field = typeof err.column === 'number' ? `field ${err.column + 1}` : 'a field';
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `${name}, line ${recordLine}: a quoted field is never closed (${field} opens with a " that has no closing ")`;
    case 'INVALID_OPENING_QUOTE':
      return `${name}, line ${line}: a quote inside an unquoted field (${field}): quote the whole field and double the quotes inside ("a ""b"" c")`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `${name}, line ${line}: text after a closing quote (${field}): a quoted field must end at a delimiter or line end (double a quote inside a quoted field: "a ""b"" c")`;
    case 'CSV_MAX_RECORD_SIZE':
      return `${name}, line ${recordLine}: a record longer than ${MAX_RECORD_BYTES / 2 ** 20} MiB; is a quote never closed?`;
    default:
      return `${name}, line ${line}: ${err.message}`;
  }
}

/**
 * Streams a CSV/TSV file's records (RFC 4180, parsed by csv-parse): quoted fields may hold
 * delimiters, doubled quotes and line breaks; CRLF, LF or CR end a record; blank lines are skipped.
 * Badly quoted input is an error naming its line and field, because guessing would shift columns
 * silently. Row lengths are not checked here: the caller knows whether the first record is a header.
 */
export async function* csvRecords(input: FileInput, delimiter: string, onBytes?: (bytes: number) => void): AsyncGenerator<CsvRecord> {
  const parser = parse({
    delimiter,
    record_delimiter: RECORD_DELIMITERS,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  const limits = importLimits();
  async function* bounded(chunks: AsyncIterable<string>): AsyncGenerator<string> {
    for await (const chunk of chunks) {
      if (fieldsSoFar(parser) > limits.maxColumns)
        throw overLimit(
          'maxColumns',
          limits,
          `${input.name}, line ${parser.info.lines}: a record of more than ${limits.maxColumns.toLocaleString('en')} fields`,
        );
      yield chunk;
    }
  }
  // Errors reach the loop below through the parser, which pipeline destroys with them. One chunk
  // read ahead at most, so the field count above is checked every chunk (a MiB from a disk file).
  pipeline(Readable.from(bounded(utf8Chunks(input, onBytes)), { highWaterMark: 1 }), parser, () => {});
  const lines = new LineCounter();
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      yield { fields: record, line: lines.record(record, info) };
    }
  } catch (err) {
    if (err instanceof CsvError) throw new ImportError(describeFailure(input.name, err, lines));
    throw err;
  } finally {
    parser.destroy();
  }
}
