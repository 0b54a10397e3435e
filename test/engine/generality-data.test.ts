import { describe, expect, it } from 'vitest';
import { digitsDataSchema, textDataSchema } from '../../src-shared/config';
import { taskOf } from '../../src-shared/tasks/lookup';
import type { DigitsTask } from '../../src-shared/tasks/task';
import { tokenizerId } from '../../src-main/engine/data/char-tokenizer';
import { buildDigitsStudyData, digitsSplit } from '../../src-main/engine/data/digits-study-data';
import { buildGeneralityData, heldOutDocuments } from '../../src-main/engine/data/generality-data';
import { corpus } from '../../src-main/engine/data/text-corpora';
import { splitDocuments, textTask, textTokenizerFor } from '../../src-main/engine/data/text-study-data';

const digits = digitsDataSchema.parse({ useFraction: 0.1 });
const base = { recipe: 'mlp' as const, data: digits, classes: [0, 1, 2, 3, 4] };

describe('the digit sets of a generality suite', () => {
  const sets = buildGeneralityData(base, ['new-classes'], ['upright', 'unseen-upright', 'noisy-digits', 'shifted-digits']);
  const [upright, unseen, noisy, shifted] = sets.map((s) => s.data);

  it("'upright' is exactly the pretrain eval set A_pre is measured on; 'unseen-upright' the target pool's held-out digits of the pretrain classes", () => {
    const study = buildDigitsStudyData(digits, taskOf('new-classes') as DigitsTask);
    expect(upright.x).toEqual(study.pretrainEval.x);
    expect(upright.y).toEqual(study.pretrainEval.y);
    expect(unseen.classes).toEqual([0, 1, 2, 3, 4]);
    expect(unseen.n).toBeGreaterThan(30);
    // The target eval of new-classes holds the digits 5-9 of the same held-out rows; the unseen set the rest.
    expect(study.targetEval.classes).toEqual([5, 6, 7, 8, 9]);
    expect(unseen.n + study.targetEval.n).toBe(digitsSplit(digits).targetEval.length);
  });

  it('noisy digits stay in [0, 1], differ from the clean ones and are the same every time; shifted digits are the clean ones moved 3 px', () => {
    expect(noisy.n).toBe(upright.n);
    expect(Math.min(...noisy.x)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...noisy.x)).toBeLessThanOrEqual(1);
    let diff = 0;
    for (let i = 0; i < upright.x.length; i++) diff += (noisy.x[i] - upright.x[i]) ** 2;
    // σ = 0.3 before clipping: the mean squared change per pixel is well above 0.01 and below 0.09.
    expect(diff / upright.x.length).toBeGreaterThan(0.01);
    expect(diff / upright.x.length).toBeLessThan(0.09);
    expect(buildGeneralityData(base, ['new-classes'], ['noisy-digits'])[0].data.x).toEqual(noisy.x);
    const at = (x: Float32Array, i: number, r: number, c: number) => x[i * 784 + r * 28 + c];
    for (const i of [0, 7]) {
      expect(at(shifted.x, i, 10, 12)).toBe(at(upright.x, i, 7, 9));
      expect(at(shifted.x, i, 1, 20)).toBe(0);
    }
  });
});

describe('the text sets of a generality suite', () => {
  const data = textDataSchema.parse({ source: 'text', trainSequences: 64, evalSequences: 24 });

  it('read only documents the study trains on nowhere: the held-out part of the pretrain and target corpora, all of another', () => {
    for (const task of ['sotu', 'sotu-early'] as const) {
      const t = textTask(task);
      const trained = new Set([...splitDocuments(t.pretrain, data, 0).train, ...splitDocuments(t.target, data, 1).train]);
      for (const id of ['moby-dick', 'sotu', 'spam-assassin'] as const) {
        const held = heldOutDocuments(id, [task], data);
        expect(held.some((d) => trained.has(d))).toBe(false);
        expect(held.length).toBeGreaterThan(0);
      }
    }
    // Moby Dick (pretrain corpus): its eval chapters; the spam corpus: all of it.
    expect(new Set(heldOutDocuments('moby-dick', ['sotu'], data))).toEqual(new Set(splitDocuments(textTask('sotu').pretrain, data, 0).eval));
    expect(heldOutDocuments('spam-assassin', ['sotu'], data)).toHaveLength(corpus('spam-assassin').length);
    // sotu-early trains on early speeches only: the later ones are held out.
    expect(heldOutDocuments('sotu', ['sotu-early'], data).some((d) => d.year! >= 1900)).toBe(true);
    // A sequence trains on every stage's target: after sotu-early then sotu-late, no training speech of either is held out.
    const sequence = heldOutDocuments('sotu', ['sotu-early', 'sotu-late'], data);
    const stages = new Set(['sotu-early', 'sotu-late'].flatMap((t) => splitDocuments(textTask(t as 'sotu').target, data, 1).train));
    expect(stages.size).toBeGreaterThan(100);
    expect(sequence.some((d) => stages.has(d))).toBe(false);
  });

  it('are next-token windows of the context length, tokenised with the base model’s tokenizer', () => {
    const tokenizer = textTokenizerFor(data, 'sotu');
    const [moby, spam] = buildGeneralityData({ recipe: 'char-gpt', data, tokenizer, classes: [] }, ['sotu'], ['moby-dick', 'spam-assassin']).map((s) => s.data);
    for (const set of [moby, spam]) {
      expect(set.n).toBe(24);
      expect(set.tokenizer).toBe(tokenizerId(tokenizer));
      expect(set.nextTokens!.length).toBe(set.x.length);
      expect(set.x.subarray(1, 10)).toEqual(Float32Array.from(set.nextTokens!.subarray(0, 9)));
    }
    expect(spam.name).toBe('generality: SpamAssassin mail');
  });
});
