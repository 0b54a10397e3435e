import { describe, expect, it } from 'vitest';
import type { DroppedFile } from '../../src-renderer/lib/api/transport';
import { isModelDrop } from '../../src-renderer/lib/datasets/dropped-files';

const drop = (...paths: string[]): DroppedFile[] => paths.map((path) => ({ file: new File([], path.split('/').pop()!), path }));

describe('a drop on the Datasets view', () => {
  it('is a base model when it is a TensorFlow.js model.json with its weights', () => {
    expect(isModelDrop(drop('cnn/model.json', 'cnn/weights.bin'))).toBe(true);
    expect(isModelDrop(drop('model.json'))).toBe(false);
  });

  it('is a base model when it is a Keras file, which the model import answers with the converter command', () => {
    expect(isModelDrop(drop('resnet.h5'))).toBe(true);
    expect(isModelDrop(drop('mobilenet.keras'))).toBe(true);
  });

  it('is a base model when it is a Hugging Face folder, also one missing a file (the import then names what is missing)', () => {
    expect(isModelDrop(drop('gpt2/config.json', 'gpt2/model.safetensors', 'gpt2/tokenizer.json'))).toBe(true);
    expect(isModelDrop(drop('gpt2/config.json', 'gpt2/model.safetensors'))).toBe(true);
    expect(isModelDrop(drop('bert/config.json', 'bert/vocab.txt'))).toBe(true);
    expect(isModelDrop(drop('big/model.safetensors.index.json', 'big/config.json'))).toBe(true);
    expect(isModelDrop(drop('model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'))).toBe(true);
  });

  it('is a dataset otherwise, a config.json among data files included', () => {
    expect(isModelDrop(drop('iris.csv'))).toBe(false);
    expect(isModelDrop(drop('digits/config.json', 'digits/0/a.png', 'digits/1/b.png'))).toBe(false);
    expect(isModelDrop(drop('texts/train.jsonl', 'texts/tokenizer.json'))).toBe(false);
  });
});
