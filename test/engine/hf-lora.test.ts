import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';
import { lora } from '../../src-main/engine/methods/lora';
import type { TrainingSetup } from '../../src-main/engine/methods/method';
import { Model } from '../../src-main/engine/models/model';
import { readHfModel } from '../../src-main/import/models/hf-checkpoint';

const GOLDEN = join(__dirname, '..', 'fixtures', 'golden', 'hf');

function gpt2(): Model {
  const hf = readHfModel(join(GOLDEN, 'gpt2-tiny'));
  const { inputShape, backbone, headUnits, heads } = hf.spec;
  return new Model({ recipe: 'imported', inputShape, backbone, pretrainClasses: headUnits, targetClasses: null, heads }, 0, hf.weights);
}

function attach(model: Model, head: 'frozen' | 'lora', layers: 'attention' | 'mlp') {
  const hooks = lora.create({ tf, params: lora.params.parse({ head, layers, rank: 2 }) });
  hooks.beforeTraining!({ model, seed: 3, log: () => {} } as unknown as TrainingSetup);
  return hooks;
}

describe('LoRA on an imported GPT-2', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it("adapts q, k, v (GPT-2's c_attn, split) and o of every block, starts from θ₀ exactly and trains the adapters", () => {
    const model = gpt2();
    const x = tf.tensor2d([
      [5, 9, 40, 41, 65, 70, 3],
      [96, 12, 33, 0, 1, 2, 8],
    ]);
    const before = tf.tidy(() => Array.from(model.logits(x, 'pretrain').dataSync()));
    const hooks = attach(model, 'frozen', 'attention');
    expect([...model.adapters.keys()]).toEqual([
      'block1/attn/q',
      'block1/attn/k',
      'block1/attn/v',
      'block1/attn/o',
      'block2/attn/q',
      'block2/attn/k',
      'block2/attn/v',
      'block2/attn/o',
    ]);
    expect(tf.tidy(() => Array.from(model.logits(x, 'pretrain').dataSync()))).toEqual(before);
    // The tied head has no weights of its own: with the head frozen only the adapters train.
    expect(hooks.trainable!([...model.params.keys()])).toEqual([]);
    const { grads } = tf.variableGrads(
      () => tf.mean(tf.square(model.logits(x, 'pretrain'))),
      [...model.adapters.values()].flatMap((a) => [a.a, a.b]),
    );
    const bNorm = tf.tidy(() => tf.sum(tf.square(grads[model.adapters.get('block1/attn/q')!.b.name])).dataSync()[0]);
    expect(bNorm).toBeGreaterThan(0);
    tf.dispose([x, ...Object.values(grads)]);
    model.dispose();
  });

  it('refuses to adapt a tied LM head, saying what to choose instead', () => {
    const model = gpt2();
    expect(() => attach(model, 'lora', 'mlp')).toThrow(/params\.head = 'lora' but the pretrain head is tied to embed\/tokens .*choose 'frozen' or 'train'/);
    model.dispose();
  });
});
