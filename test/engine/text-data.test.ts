import { describe, expect, it } from 'vitest';
import { textDataSchema } from '../../src-shared/config';
import {
  buildCharTokenizer,
  CharTokenizer,
  normaliseText,
  PAD_TOKEN,
  tokenizerId,
  UNKNOWN_TOKEN,
  vocabularySize,
} from '../../src-main/engine/data/char-tokenizer';
import { buildTextStudyData, textTokenizerFor } from '../../src-main/engine/data/text-study-data';
import { checkTokenizer } from '../../src-main/engine/data/tokenizer-check';

const data = textDataSchema.parse({ source: 'text', trainSequences: 64, evalSequences: 16 });

describe('character tokenizer', () => {
  it('keeps characters seen minCount times, sorted, after two specials; others become the unknown token', () => {
    const spec = buildCharTokenizer(['abca', 'cab x'], 2);
    // ' ' and 'x' appear once each: below minCount.
    expect(spec.symbols).toEqual(['a', 'b', 'c']);
    expect(vocabularySize(spec)).toBe(5);
    const tok = new CharTokenizer(spec);
    expect(Array.from(tok.encode('cab x'))).toEqual([4, 2, 3, UNKNOWN_TOKEN, UNKNOWN_TOKEN]);
    expect(tok.decode([4, 2, 3, UNKNOWN_TOKEN, PAD_TOKEN])).toBe('cab\uFFFD');
  });

  it('normalises whitespace runs to one space and encodes by code point', () => {
    expect(normaliseText('  a\n\n b\tc  ')).toBe('a b c');
    const tok = new CharTokenizer(buildCharTokenizer(['é😀é😀'], 1));
    expect(tok.encode('😀é').length).toBe(2);
  });

  it('ids differ for different vocabularies and are stable for the same one', () => {
    const a = buildCharTokenizer(['abc'], 1);
    expect(tokenizerId(a)).toBe(tokenizerId(buildCharTokenizer(['cba'], 1)));
    expect(tokenizerId(a)).not.toBe(tokenizerId(buildCharTokenizer(['abd'], 1)));
    expect(() => new CharTokenizer({ ...a, version: 99 })).toThrow(/not supported by this build/);
  });
});

describe('text study data', () => {
  it('the language-model splits: windows of T tokens with their next tokens, reproducible, tagged with the tokenizer', () => {
    const tokenizer = textTokenizerFor(data, 'sotu');
    expect(tokenizer.symbols).toContain('a');
    const study = buildTextStudyData(data, 'sotu', tokenizer, 16);
    expect([study.pretrainTrain.n, study.pretrainEval.n, study.targetTrain.n, study.targetEval.n]).toEqual([64, 16, 64, 16]);
    const s = study.targetTrain;
    expect(s.shape).toEqual([16, 1, 1]);
    // nextTokens is x shifted by one position.
    for (let i = 0; i < s.n; i++) for (let j = 0; j < 15; j++) expect(s.nextTokens![i * 16 + j]).toBe(s.x[i * 16 + j + 1]);
    expect(new Set([study.pretrainTrain, study.pretrainEval, study.targetTrain, study.targetEval].map((d) => d.tokenizer))).toEqual(
      new Set([tokenizerId(tokenizer)]),
    );
    // The same config gives the same windows.
    expect(Array.from(buildTextStudyData(data, 'sotu', tokenizer, 16).targetEval.x)).toEqual(Array.from(study.targetEval.x));
  });

  it('the spam classifier splits: padded documents labelled ham 0 / spam 1, both classes in each split', () => {
    const tokenizer = textTokenizerFor(data, 'spam-later');
    const study = buildTextStudyData(data, 'spam-later', tokenizer, 128);
    for (const split of [study.pretrainTrain, study.targetTrain]) {
      expect(split.classes).toEqual([0, 1]);
      expect(new Set(split.y)).toEqual(new Set([0, 1]));
      expect(split.nextTokens).toBeUndefined();
    }
  });

  it('refuses a dataset tokenised for another model, naming both tokenizers', () => {
    const sotu = textTokenizerFor(data, 'sotu');
    const spam = textTokenizerFor(data, 'spam-later');
    const set = buildTextStudyData(data, 'sotu', sotu, 16).targetEval;
    expect(() => checkTokenizer({ recipe: 'char-gpt', tokenizer: sotu }, [set])).not.toThrow();
    expect(() => checkTokenizer({ recipe: 'char-gpt', tokenizer: spam }, [set])).toThrow(
      new RegExp(`'target eval' was tokenised with ${tokenizerId(sotu)}, but the base model 'char-gpt' uses ${tokenizerId(spam)}`),
    );
    expect(() => checkTokenizer({ recipe: 'mlp' }, [set])).toThrow(/reads images, not tokens/);
  });
});
