import { ImportError } from './import-error';

/** One CSV record with the line it starts on (1-based, for messages). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * A streaming RFC 4180 tokenizer: quoted fields may hold delimiters, doubled quotes and line
 * breaks; CRLF or LF ends a record; blank lines are skipped. Badly quoted input is an error with
 * its line, because guessing would shift columns silently.
 */
export class CsvTokenizer {
  private rest = '';
  /** Line at which `rest` starts. */
  private line = 1;

  constructor(
    private readonly delimiter: string,
    private readonly name: string,
  ) {}

  /** Feeds text; returns the records completed by it. */
  push(text: string): CsvRecord[] {
    return this.parse(this.rest + text, false);
  }

  /** Ends the input; returns the last record (a final line without a line break). */
  end(): CsvRecord[] {
    return this.parse(this.rest, true);
  }

  private parse(buf: string, final: boolean): CsvRecord[] {
    const out: CsvRecord[] = [];
    const d = this.delimiter;
    let i = 0;
    let line = this.line;
    while (i < buf.length) {
      const recordStart = i;
      const recordLine = line;
      const fields: string[] = [];
      let complete = false;
      for (;;) {
        // One field starting at i.
        if (buf[i] === '"') {
          let value = '';
          let j = i + 1;
          let closed = false;
          while (j < buf.length) {
            const q = buf.indexOf('"', j);
            if (q === -1) break;
            value += buf.slice(j, q);
            if (buf[q + 1] === '"') {
              value += '"';
              j = q + 2;
              continue;
            }
            if (q + 1 === buf.length && !final) break; // a doubled quote may start in the next chunk
            j = q + 1;
            closed = true;
            break;
          }
          if (!closed) {
            if (final) throw new ImportError(`${this.name}, line ${recordLine}: a quoted field is never closed (a " without its closing ")`);
            break;
          }
          line += countBreaks(buf, i, j);
          fields.push(value);
          i = j;
          const c = buf[i];
          if (c === d) {
            i++;
            continue;
          }
          if (c === '\n' || c === '\r' || c === undefined) {
            if (c === undefined && !final) break;
            complete = true;
            break;
          }
          throw new ImportError(`${this.name}, line ${line}: text after a closing quote ("…"${c}): a quoted field must end at a delimiter or line end`);
        }
        let j = i;
        while (j < buf.length) {
          const c = buf[j];
          if (c === d || c === '\n' || c === '\r') break;
          if (c === '"') throw new ImportError(`${this.name}, line ${line}: a quote inside an unquoted field: quote the whole field and double the quotes inside ("a ""b"" c")`);
          j++;
        }
        if (j === buf.length && !final) break;
        fields.push(buf.slice(i, j));
        i = j;
        if (buf[i] === d) {
          i++;
          continue;
        }
        complete = true;
        break;
      }
      // A CR at the chunk's end may be the first half of a CRLF: wait for the next chunk.
      if (complete && buf[i] === '\r' && i + 1 === buf.length && !final) complete = false;
      if (!complete) {
        this.rest = buf.slice(recordStart);
        this.line = recordLine;
        return out;
      }
      // Consume the line break (CRLF, LF or lone CR).
      if (buf[i] === '\r') i++;
      if (buf[i] === '\n') i++;
      line++;
      if (!(fields.length === 1 && fields[0] === '')) out.push({ fields, line: recordLine });
    }
    this.rest = '';
    this.line = line;
    return out;
  }
}

function countBreaks(buf: string, from: number, to: number): number {
  let n = 0;
  for (let k = buf.indexOf('\n', from); k !== -1 && k < to; k = buf.indexOf('\n', k + 1)) n++;
  return n;
}
