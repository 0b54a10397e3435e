import type { TokenizerSpec } from '../../../src-shared/config';

/** The tokenizer layout this build writes: specials first, then one token per character. */
export const CHAR_TOKENIZER_VERSION = 1;
/** Token of a character outside the vocabulary. */
export const UNKNOWN_TOKEN = 0;
/** Token that fills a document shorter than the context. */
export const PAD_TOKEN = 1;
const FIRST_SYMBOL = 2;

/** The text every corpus is read as: whitespace runs become one space (line breaks carry no meaning here and would waste context). */
export function normaliseText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A character tokenizer over the characters seen at least `minCount` times in `texts` (already normalised), sorted by code point. */
export function buildCharTokenizer(texts: string[], minCount: number): TokenizerSpec {
  const counts = new Map<string, number>();
  for (const text of texts) for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const symbols = [...counts]
    .filter(([, c]) => c >= minCount)
    .map(([ch]) => ch)
    .sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  return { kind: 'char', version: CHAR_TOKENIZER_VERSION, symbols };
}

/** Number of tokens of a tokenizer, specials included: the rows of the model's embedding table. */
export function vocabularySize(spec: TokenizerSpec): number {
  return FIRST_SYMBOL + spec.symbols.length;
}

/** A short stable id of a tokenizer (version + FNV-1a hash of its symbols), carried by every dataset it produces. */
export function tokenizerId(spec: TokenizerSpec): string {
  let hash = 0x811c9dc5;
  for (const ch of spec.symbols.join('\u0000')) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${spec.kind}-v${spec.version}-${spec.symbols.length}-${hash.toString(16).padStart(8, '0')}`;
}

/** Encodes and decodes text with one tokenizer. */
export class CharTokenizer {
  private readonly ids: Map<string, number>;

  constructor(readonly spec: TokenizerSpec) {
    if (spec.kind !== 'char' || spec.version !== CHAR_TOKENIZER_VERSION) {
      throw new Error(
        `Tokenizer ${spec.kind} v${spec.version} is not supported by this build (char v${CHAR_TOKENIZER_VERSION}); pretrain the base model again`,
      );
    }
    this.ids = new Map(spec.symbols.map((ch, i) => [ch, FIRST_SYMBOL + i]));
  }

  /** Token ids of a normalised text, one per code point. */
  encode(text: string): Int32Array {
    return Int32Array.from(text, (ch) => this.ids.get(ch) ?? UNKNOWN_TOKEN);
  }

  /** The text of token ids: unknown characters as '\uFFFD', padding dropped. */
  decode(ids: ArrayLike<number>): string {
    let out = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id === PAD_TOKEN) continue;
      out += id === UNKNOWN_TOKEN ? '\uFFFD' : (this.spec.symbols[id - FIRST_SYMBOL] ?? '\uFFFD');
    }
    return out;
  }
}
