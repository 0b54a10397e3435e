import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHfTokenizer } from '../../src-main/import/models/hf-tokenizer';

const GOLDEN = join(__dirname, '..', 'fixtures', 'golden', 'hf');

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'hf-tokenizer-'));
}

describe("a Hugging Face checkpoint's tokenizer", () => {
  it('reads the golden GPT-2 tokenizer.json (a BPE with merges) and the BERT WordPiece with its [CLS] … [SEP] template', () => {
    const gpt = readHfTokenizer(join(GOLDEN, 'gpt2-tiny'), 'gpt2', 97);
    expect(gpt.summary).toMatchObject({ source: 'tokenizer.json', model: 'BPE', vocabSize: 97, specialTokens: ['<|endoftext|>'], padId: 96 });
    // "th" is one of the tokenizer's merges.
    expect(gpt.tokenizer.encode('the').tokens).toEqual(['th', 'e']);
    const bert = readHfTokenizer(join(GOLDEN, 'bert-tiny'), 'bert', 89);
    expect(bert.summary).toMatchObject({ source: 'tokenizer.json', model: 'WordPiece', vocabSize: 89, padId: 0 });
    expect(bert.summary.specialTokens).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    const tokens = bert.tokenizer.encode('The whale').tokens;
    expect([tokens[0], tokens[tokens.length - 1]]).toEqual(['[CLS]', '[SEP]']);
    expect(tokens).toContain('the');
  });

  it('builds a lower-casing WordPiece from vocab.txt when that is all a BERT folder has', () => {
    const dir = folder();
    writeFileSync(join(dir, 'vocab.txt'), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', 'world', '##s', ','].join('\n') + '\n');
    const { tokenizer, summary } = readHfTokenizer(dir, 'bert', 30);
    expect(summary).toMatchObject({ source: 'vocab.txt', model: 'WordPiece', vocabSize: 9, padId: 0 });
    expect(tokenizer.encode('Hello worlds, foo').ids).toEqual([2, 5, 6, 7, 8, 1, 3]);
  });

  it('builds a byte-level BPE from vocab.json and merges.txt when that is all a GPT-2 folder has', () => {
    const dir = folder();
    const vocab = { h: 0, e: 1, l: 2, o: 3, Ġ: 4, w: 5, r: 6, d: 7, he: 8, ll: 9, '<|endoftext|>': 10 };
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocab));
    writeFileSync(join(dir, 'merges.txt'), '#version: 0.2\nh e\nl l\n');
    const { tokenizer, summary } = readHfTokenizer(dir, 'gpt2', 11);
    expect(summary).toMatchObject({ source: 'vocab.json + merges.txt', model: 'BPE', vocabSize: 11, padId: 10, specialTokens: ['<|endoftext|>'] });
    // The space before "world" is the byte-level Ġ.
    expect(tokenizer.encode('hello world').tokens).toEqual(['he', 'll', 'o', 'Ġ', 'w', 'o', 'r', 'l', 'd']);
  });

  it('refuses a text model without a tokenizer, naming the files it needs', () => {
    const dir = folder();
    copyFileSync(join(GOLDEN, 'bert-tiny', 'config.json'), join(dir, 'config.json'));
    expect(() => readHfTokenizer(dir, 'bert', 89)).toThrow(/has no tokenizer: a BERT checkpoint needs tokenizer\.json \(or vocab\.txt\) next to config\.json/);
    expect(() => readHfTokenizer(dir, 'gpt2', 97)).toThrow(/a GPT-2 checkpoint needs tokenizer\.json \(or vocab\.json and merges\.txt\)/);
  });

  it("refuses a tokenizer with ids the model's embedding does not have", () => {
    expect(() => readHfTokenizer(join(GOLDEN, 'gpt2-tiny'), 'gpt2', 50)).toThrow(/tokenizer\.json has token id 96, but config\.json's vocab_size is 50/);
  });
});
