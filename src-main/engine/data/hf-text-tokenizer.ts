import { Tokenizer } from '@huggingface/tokenizers';
import type { StoredTokenizer } from '../../store-read/stored-tokenizer';

/** The id every dataset tokenised with an imported checkpoint's own tokenizer carries (the tokenizer is the model's: one per model id). */
export function hfTokenizerId(modelId: string): string {
  return `hf-${modelId}`;
}

/** The token GPT-2 was pretrained with between documents. */
const END_OF_TEXT = '<|endoftext|>';

/**
 * An imported checkpoint's tokenizer (its stored tokenizer.json, read by @huggingface/tokenizers) as a
 * text study uses it: plain encoding without special tokens, every id checked against the model's vocabulary.
 */
export class HfTextTokenizer {
  /** The id the datasets it makes carry. */
  readonly id: string;
  /** The ids put between two documents: `<|endoftext|>` where the vocabulary has it (as GPT-2 was trained), else a space. */
  readonly separator: Int32Array;
  private readonly tokenizer: Tokenizer;

  constructor(
    modelId: string,
    stored: StoredTokenizer,
    readonly vocabSize: number,
  ) {
    this.id = hfTokenizerId(modelId);
    this.tokenizer = new Tokenizer(stored.json, stored.config);
    const eos = this.tokenizer.get_vocab(true).get(END_OF_TEXT);
    this.separator = eos === undefined ? this.encode(' ') : Int32Array.of(eos);
  }

  /** Token ids of a text (no special tokens added). A character outside the vocabulary is the tokenizer's to map; an id the model cannot embed is refused. */
  encode(text: string): Int32Array {
    const ids = Int32Array.from(this.tokenizer.encode(text, { add_special_tokens: false }).ids);
    for (const id of ids)
      if (id < 0 || id >= this.vocabSize)
        throw new Error(`The tokenizer of ${this.id} gave token id ${id}, outside the model's vocabulary of ${this.vocabSize}: tokenizer and model disagree`);
    return ids;
  }

  /** A token's id in the vocabulary (special tokens included), or undefined where it has none. */
  tokenId(token: string): number | undefined {
    return this.tokenizer.get_vocab(true).get(token);
  }

  /** The text of token ids. */
  decode(ids: ArrayLike<number>): string {
    return this.tokenizer.decode(Array.from(ids));
  }
}
