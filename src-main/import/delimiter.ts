import type { TableDelimiter } from '../../src-shared/datasets';

/** The delimiters detection chooses from, in the order ties are broken. */
const CANDIDATES: TableDelimiter[] = [',', '\t', ';', '|'];

/** Records the sniffer looks at: enough to see a pattern, few enough to stay instant. */
const SAMPLE_RECORDS = 50;

/**
 * Field counts of the complete records at the start of `text` for one delimiter, honouring quotes
 * (a delimiter or line break inside "…" does not count). The last record is dropped when the text
 * was cut mid-file, since it may be incomplete, unless it is the only one.
 */
function fieldCounts(text: string, delimiter: TableDelimiter, complete: boolean): number[] {
  const counts: number[] = [];
  let fields = 1;
  let quoted = false;
  let empty = true;
  for (let i = 0; i < text.length && counts.length < SAMPLE_RECORDS; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
    } else if (c === '"') {
      quoted = true;
      empty = false;
    } else if (c === delimiter) {
      fields++;
      empty = false;
    } else if (c === '\n' || c === '\r') {
      if (!empty) counts.push(fields);
      fields = 1;
      empty = true;
    } else empty = false;
  }
  // A first record longer than the text (a very wide table) is counted as far as it goes.
  if (!empty && (complete || !counts.length) && counts.length < SAMPLE_RECORDS) counts.push(fields);
  return counts;
}

/**
 * Guesses the delimiter of a table from its first records (BOM already dropped): the candidate
 * that splits every record into the same number (> 1) of fields wins; between equally consistent
 * ones, the one giving more fields, then the one the extension suggests, then comma, tab,
 * semicolon, pipe. A semicolon table with decimal commas (1,5;2,3) is thus read by semicolons:
 * its commas give an uneven count. Null when no candidate gives more than one field.
 */
export function sniffDelimiter(text: string, complete: boolean, preferred?: TableDelimiter): TableDelimiter | null {
  let best: { d: TableDelimiter; consistency: number; fields: number; rank: number } | null = null;
  for (const d of CANDIDATES) {
    const counts = fieldCounts(text, d, complete);
    if (!counts.length) continue;
    const tally = new Map<number, number>();
    for (const n of counts) tally.set(n, (tally.get(n) ?? 0) + 1);
    const [fields, hits] = [...tally].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
    if (fields < 2) continue;
    const candidate = { d, consistency: hits / counts.length, fields, rank: d === preferred ? -1 : CANDIDATES.indexOf(d) };
    if (
      !best ||
      candidate.consistency > best.consistency ||
      (candidate.consistency === best.consistency && (candidate.fields > best.fields || (candidate.fields === best.fields && candidate.rank < best.rank)))
    )
      best = candidate;
  }
  return best?.d ?? null;
}
