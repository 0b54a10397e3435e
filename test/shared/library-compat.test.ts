import { describe, expect, it } from 'vitest';
import type { DatasetSummary, ImportedModelSummary } from '../../src-shared/datasets';
import { libraryCompatibility } from '../../src-shared/library-compat';

function dataset(id: string, kind: DatasetSummary['kind'], shape: number[], labels: string[]): DatasetSummary {
  return {
    id, name: id, kind, format: 'csv', builtin: false, origin: id, n: 10 * labels.length, shape,
    classes: labels.map((label) => ({ label, count: 10 })),
    split: { train: 8 * labels.length, eval: 2 * labels.length, seed: 0, evalFraction: 0.2, stratified: true },
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

function model(inputShape: number[], classes: number): ImportedModelSummary {
  return { id: 'm', name: 'm', origin: 'm', inputShape, headLayer: 'out', classes, paramCount: 1, trainableParamCount: 1, layers: [], warnings: [], createdAt: '' };
}

const options = { standardize: true, minCharCount: 5 };
const messages = (c: ReturnType<typeof libraryCompatibility>) => c.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('compatibility of a base model with two library datasets', () => {
  it('reuses the head for the same label set in any order, and trains a new one otherwise', () => {
    const a = dataset('a', 'images', [8, 8, 1], ['cat', 'dog']);
    expect(libraryCompatibility({ recipe: 'mlp' }, a, dataset('b', 'images', [8, 8, 1], ['dog', 'cat']), options).sharesHead).toBe(true);
    const other = libraryCompatibility({ recipe: 'mlp' }, a, dataset('c', 'images', [8, 8, 1], ['cat', 'dog', 'eel']), options);
    expect(other.sharesHead).toBe(false);
    expect(other.notes.join(' ')).toMatch(/a new head of 3 units/);
  });

  it('takes images in a flat model of as many inputs, but not another shape or head size', () => {
    const digits = dataset('d', 'images', [4, 4, 1], ['0', '1', '2']);
    expect(messages(libraryCompatibility({ imported: model([1, 16, 1], 3) }, digits, digits, options))).toEqual([]);
    expect(messages(libraryCompatibility({ imported: model([1, 15, 1], 2) }, digits, digits, options))).toEqual([
      "data.pretrain: the model 'm' takes rows of 15 features but 'd' has 4×4×1 samples: choose the dataset the model was trained on",
      "data.pretrain: the model 'm' has a head of 2 classes but 'd' has 3: the pretrain dataset must have the model's classes (head unit i is the dataset's i-th class in sorted order)",
    ]);
  });

  it('says a problem of a control study (one dataset as pretrain and target) once', () => {
    const texts = dataset('t', 'text', [], ['ham', 'spam']);
    expect(messages(libraryCompatibility({ recipe: 'mlp' }, texts, texts, options))).toEqual(["baseModel.recipe: 't' is a text dataset: choose the character encoder (char-encoder) as the base model"]);
    const corpus = dataset('moby', 'text', [], []);
    expect(messages(libraryCompatibility({ recipe: 'char-encoder' }, corpus, texts, options))).toEqual([
      "data.pretrain: 'moby' has no class labels: a study needs a labelled dataset of two or more classes",
    ]);
  });
});
