import { describe, expect, it } from 'vitest';
import type { DatasetSummary, ImportedModelSummary } from '../../src-shared/datasets';
import { libraryCompatibility } from '../../src-shared/library-compat';

function dataset(id: string, kind: DatasetSummary['kind'], shape: number[], labels: string[]): DatasetSummary {
  return {
    id,
    name: id,
    kind,
    format: 'csv',
    builtin: false,
    origin: id,
    n: 10 * labels.length,
    shape,
    classes: labels.map((label) => ({ label, count: 10 })),
    featureNames: kind === 'tabular' ? Array.from({ length: shape[1] }, (_, j) => `f${j}`) : [],
    featuresKey: kind === 'tabular' ? `f0…f${shape[1] - 1}` : '',
    split: { train: 8 * labels.length, eval: 2 * labels.length, seed: 0, evalFraction: 0.2, stratified: true },
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

function model(inputShape: number[], classes: number): ImportedModelSummary {
  return {
    id: 'm',
    name: 'm',
    origin: 'm',
    inputShape,
    headLayer: 'out',
    classes,
    paramCount: 1,
    trainableParamCount: 1,
    layers: [],
    warnings: [],
    createdAt: '',
  };
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
    expect(messages(libraryCompatibility({ recipe: 'mlp' }, texts, texts, options))).toEqual([
      "baseModel.recipe: 't' is a text dataset: choose the character encoder (char-encoder) as the base model",
    ]);
    const corpus = dataset('moby', 'text', [], []);
    expect(messages(libraryCompatibility({ recipe: 'char-encoder' }, corpus, texts, options))).toEqual([
      "data.pretrain: 'moby' has no class labels: a study needs a labelled dataset of two or more classes",
    ]);
  });

  it('refuses the CNN on images too small for its two convolutions, and tables whose columns differ', () => {
    const small = dataset('small', 'images', [8, 8, 1], ['a', 'b']);
    expect(messages(libraryCompatibility({ recipe: 'cnn' }, small, small, options))).toEqual([
      "baseModel.recipe: the CNN needs images of at least 9×9 pixels; 'small' has 8×8×1: choose the MLP, or re-import the images larger",
    ]);
    expect(
      messages(
        libraryCompatibility({ recipe: 'cnn' }, dataset('ok', 'images', [12, 12, 1], ['a', 'b']), dataset('ok2', 'images', [12, 12, 1], ['a', 'b']), options),
      ),
    ).toEqual([]);
    const a = dataset('a', 'tabular', [1, 2, 1], ['x', 'y']);
    const b = { ...dataset('b', 'tabular', [1, 2, 1], ['x', 'y']), featureNames: ['f1', 'f0'], featuresKey: 'f1,f0' };
    expect(messages(libraryCompatibility({ recipe: 'mlp' }, a, b, options))).toEqual([
      "target.dataset: 'b' has the columns f1, f0 but the pretrain dataset 'a' has f0, f1: the same features are needed in the same order",
    ]);
  });

  it('says an imported model does not read text', () => {
    const texts = dataset('t', 'text', [], ['ham', 'spam']);
    expect(messages(libraryCompatibility({ imported: model([1, 4, 1], 2) }, texts, texts, options))).toEqual([
      "data.pretrain: the model 'm' takes rows of 4 features, but 't' is a text dataset",
    ]);
  });
});
