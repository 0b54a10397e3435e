import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';
import { lora } from '../../src-main/engine/methods/lora';
import type { TrainingSetup } from '../../src-main/engine/methods/method';
import { decodeCheckpoint, encodeCheckpoint } from '../../src-main/engine/models/checkpoint';
import type { ModelSpec } from '../../src-main/engine/models/layers';
import { Model } from '../../src-main/engine/models/model';
import { TRANSFORMER_RECIPES, transformerBackbone } from '../../src-main/engine/models/recipes';
import { attention, type LayerAccess } from '../../src-main/engine/models/transformer';
import { Rng } from '../../src-main/engine/rng';

const VOCAB = 11;

/** A recipe's model over a small vocabulary: the LM head has one unit per token, the encoder two classes. */
function recipeSpec(recipe: 'char-gpt' | 'char-encoder', targetClasses: number | null = null): ModelSpec {
  const r = TRANSFORMER_RECIPES[recipe];
  return { recipe, inputShape: [r.context, 1, 1], backbone: transformerBackbone(r, VOCAB), pretrainClasses: r.role === 'decoder' ? VOCAB : 2, targetClasses };
}

function tokens(n: number, t: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * t }, () => Math.floor(rng.next() * VOCAB));
}

function logitsOf(model: Model, x: Float32Array, t: number): Float32Array {
  return tf.tidy(() => model.logits(tf.tensor2d(x, [x.length / t, t]), 'pretrain').dataSync() as Float32Array);
}

/** Fixed weights by name, every kernel layer x·W + b without adapters: the attention function in isolation. */
function fixedAccess(weights: Record<string, number[][] | number[]>): LayerAccess {
  const w = (name: string) => tf.tensor(weights[name]);
  return {
    weight: w,
    trains: () => false,
    dense: (layer, h) => ({ out: tf.add(tf.matMul(h, w(`${layer}/kernel`) as tf.Tensor2D), w(`${layer}/bias`)) as tf.Tensor2D, upstream: false }),
  };
}

describe('transformer layers', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('attention reproduces a hand-computed two-head example, causal and bidirectional', () => {
    // d = 2, two heads of width 1, q = k = v = o = identity, one sequence x = [[1, 2], [3, −1]].
    const identity = [
      [1, 0],
      [0, 1],
    ];
    const access = fixedAccess(
      Object.fromEntries(
        ['q', 'k', 'v', 'o'].flatMap((p) => [
          [`b/attn/${p}/kernel`, identity],
          [`b/attn/${p}/bias`, [0, 0]],
        ]),
      ),
    );
    const run = (causal: boolean) =>
      tf.tidy(() =>
        Array.from(
          attention(
            access,
            'b',
            {
              out: tf.tensor2d([
                [1, 2],
                [3, -1],
              ]),
              upstream: false,
            },
            { n: 1, t: 2 },
            2,
            causal,
          ).out.dataSync(),
        ),
      );
    // Head 0 sees the first coordinates [1, 3]: scores q·kᵀ/√1 = [[1, 3], [3, 9]]. Head 1 sees [2, −1]: scores [[4, −2], [−2, 1]].
    // Causal, position 0 attends only to itself: outputs 1 and 2.
    // Position 1, head 0: softmax(3, 9) = (e³, e⁹)/(e³ + e⁹) = (0.0024726, 0.9975274) → 0.0024726·1 + 0.9975274·3 = 2.9950548.
    // Position 1, head 1: softmax(−2, 1) = (0.0474259, 0.9525741) → 0.0474259·2 − 0.9525741 = −0.8577224.
    const causal = run(true);
    [1, 2, 2.9950548, -0.8577224].forEach((v, i) => expect(causal[i]).toBeCloseTo(v, 5));
    // Bidirectional, position 0, head 0: softmax(1, 3) = (0.1192029, 0.8807971) → 0.1192029 + 3·0.8807971 = 2.7615942;
    // head 1: softmax(4, −2) = (0.9975274, 0.0024726) → 2·0.9975274 − 0.0024726 = 1.9925822. Position 1 as in the causal case.
    const both = run(false);
    [2.7615942, 1.9925822, 2.9950548, -0.8577224].forEach((v, i) => expect(both[i]).toBeCloseTo(v, 5));
  });

  it('causal masking: changing a later token leaves every earlier position\u2019s logits bit-identical', () => {
    const model = new Model(recipeSpec('char-gpt'), 1);
    const t = TRANSFORMER_RECIPES['char-gpt'].context;
    const a = tokens(2, t, 1);
    const b = a.slice();
    const changed = 40;
    for (const row of [0, 1]) b[row * t + changed] = (a[row * t + changed] + 3) % VOCAB;
    const [la, lb] = [logitsOf(model, a, t), logitsOf(model, b, t)];
    for (const row of [0, 1]) {
      const at = (l: Float32Array, pos: number) => Array.from(l.subarray((row * t + pos) * VOCAB, (row * t + pos + 1) * VOCAB));
      for (let pos = 0; pos < changed; pos++) expect(at(lb, pos)).toEqual(at(la, pos));
      // The changed position itself and the later ones do see the change.
      for (const pos of [changed, t - 1]) expect(at(lb, pos)).not.toEqual(at(la, pos));
    }
    model.dispose();
  });

  it('the encoder is bidirectional: a later token changes the pooled prediction', () => {
    const model = new Model(recipeSpec('char-encoder'), 1);
    const t = TRANSFORMER_RECIPES['char-encoder'].context;
    const a = tokens(1, t, 2);
    const b = a.slice();
    b[t - 1] = (a[t - 1] + 1) % VOCAB;
    const [la, lb] = [logitsOf(model, a, t), logitsOf(model, b, t)];
    expect(la.length).toBe(2);
    expect(Array.from(lb)).not.toEqual(Array.from(la));
    model.dispose();
  });

  it('LoRA on the attention projections: every q, k, v, o gets an adapter, and merging leaves the outputs unchanged', () => {
    const model = new Model(recipeSpec('char-gpt'), 1);
    const t = TRANSFORMER_RECIPES['char-gpt'].context;
    const hooks = lora.create({ tf, params: lora.params.parse({ rank: 2, layers: 'attention', head: 'train' }) });
    hooks.beforeTraining!({ model, seed: 3, log: () => {} } as unknown as TrainingSetup);
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
    const x = tokens(3, t, 4);
    const plain = logitsOf(model, x, t);
    const rng = new Rng(9);
    for (const { b } of model.adapters.values()) {
      const values = tf.tensor(
        Float32Array.from({ length: b.size }, () => rng.uniform(-0.3, 0.3)),
        b.shape,
      );
      b.assign(values);
      values.dispose();
    }
    const unmerged = logitsOf(model, x, t);
    expect(Math.max(...unmerged.map((v, i) => Math.abs(v - plain[i])))).toBeGreaterThan(1e-2);
    hooks.afterTraining!({ model, theta0: new Map(), evaluate: () => ({}) as never });
    expect(model.adapters.size).toBe(0);
    const merged = logitsOf(model, x, t);
    expect(Math.max(...merged.map((v, i) => Math.abs(v - unmerged[i])))).toBeLessThan(1e-4);
    model.dispose();
  });

  for (const recipe of ['char-gpt', 'char-encoder'] as const) {
    it(`${recipe}: snapshot → checkpoint → new model round-trips every weight and the outputs exactly`, () => {
      const spec = recipeSpec(recipe);
      const model = new Model(spec, 5);
      // Move the weights off their initialisation (unit layer-norm gains, zero biases) so the test sees every tensor.
      const rng = new Rng(6);
      for (const v of model.params.values()) {
        const values = tf.tensor(
          Float32Array.from({ length: v.size }, () => rng.uniform(-0.5, 0.5)),
          v.shape,
        );
        v.assign(values);
        values.dispose();
      }
      const shapes = new Map([...model.params].map(([name, v]) => [name, v.shape]));
      const checkpoint = encodeCheckpoint(model.snapshot(), shapes);
      const restored = new Model(
        spec,
        99,
        decodeCheckpoint({ manifest: JSON.parse(JSON.stringify(checkpoint.manifest)), data: new Uint8Array(checkpoint.data) }),
      );
      expect([...restored.params.keys()]).toEqual([...model.params.keys()]);
      for (const [name, v] of model.params) expect(Array.from(restored.params.get(name)!.dataSync()), name).toEqual(Array.from(v.dataSync()));
      const t = spec.inputShape[0];
      const x = tokens(2, t, 7);
      expect(Array.from(logitsOf(restored, x, t))).toEqual(Array.from(logitsOf(model, x, t)));
      model.dispose();
      restored.dispose();
    });
  }

  it('gradients skip nothing on the way: a weight deep in the model gets the same gradient whether it trains alone or with all others', () => {
    const model = new Model(recipeSpec('char-gpt'), 1);
    const t = TRANSFORMER_RECIPES['char-gpt'].context;
    const x = tf.tensor2d(tokens(2, t, 3), [2, t]);
    const gradOf = (name: string) =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.logits(x, 'pretrain'))) as tf.Scalar, [model.params.get(name)!]);
        return Array.from(grads[model.params.get(name)!.name].dataSync());
      });
    for (const name of ['embed/tokens', 'block1/attn/q/kernel', 'block1/ln2/gamma', 'block2/attn/v/bias']) {
      model.setTrainable(null);
      const all = gradOf(name);
      model.setTrainable([name]);
      const alone = gradOf(name);
      expect(Math.max(...all.map(Math.abs)), name).toBeGreaterThan(0);
      alone.forEach((g, i) => expect(g).toBeCloseTo(all[i], 5));
    }
    x.dispose();
    model.dispose();
  });

  it('names every weight per layer so methods address them: embeddings, layer norms, q, k, v, o and the MLP of each block', () => {
    const model = new Model(recipeSpec('char-gpt'), 1);
    expect(model.kernelLayers()).toEqual([
      'block1/attn/q',
      'block1/attn/k',
      'block1/attn/v',
      'block1/attn/o',
      'block1/mlp/fc1',
      'block1/mlp/fc2',
      'block2/attn/q',
      'block2/attn/k',
      'block2/attn/v',
      'block2/attn/o',
      'block2/mlp/fc1',
      'block2/mlp/fc2',
      'head',
    ]);
    expect(model.backboneNames().slice(0, 4)).toEqual(['embed/tokens', 'embed/positions', 'block1/ln1/gamma', 'block1/ln1/beta']);
    expect(model.params.get('block1/mlp/fc1/kernel')!.shape).toEqual([64, 256]);
    expect(model.params.get('head/kernel')!.shape).toEqual([64, VOCAB]);
    model.dispose();
  });
});
