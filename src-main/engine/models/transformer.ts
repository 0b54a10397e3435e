import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul, matMul } from '../ops';
import type { LayerSpec } from '../../../src-shared/layer-spec';

/** A tensor of the forward pass and whether it carries a gradient (nothing upstream trains → no backprop through it). */
export interface Flow {
  out: tf.Tensor2D;
  upstream: boolean;
}

/** What the transformer layers need from the model: its weights, which of them train, and its kernel layers (with LoRA adapters). */
export interface LayerAccess {
  weight(name: string): tf.Tensor;
  trains(name: string): boolean;
  /** h·W + b of the kernel layer `layer`, W including its adapter. h: [rows, in] → [rows, out]. */
  dense(layer: string, h: tf.Tensor2D, upstream: boolean): Flow;
}

const LAYER_NORM_EPSILON = 1e-5;

/**
 * Token + learned position embedding. x: token ids as float32 [n, T] → [n·T, dim]. The lookup is a
 * one-hot matMul, so the table's gradient takes the fast hand-written path (vocabularies here are small).
 */
export function embed(access: LayerAccess, layer: Extract<LayerSpec, { kind: 'embedding' }>, x: tf.Tensor2D): Flow {
  const [n, t] = x.shape;
  const tokens = `${layer.name}/tokens`;
  const positions = `${layer.name}/positions`;
  const oneHot = tf.cast(tf.oneHot(tf.reshape(tf.cast(x, 'int32'), [n * t]), layer.vocab), 'float32') as tf.Tensor2D;
  const emb = matMul(oneHot, access.weight(tokens) as tf.Tensor2D, { a: false, b: access.trains(tokens) });
  const withPositions = tf.add(tf.reshape(emb, [n, t, layer.dim]), access.weight(positions));
  return { out: tf.reshape(withPositions, [n * t, layer.dim]), upstream: access.trains(tokens) || access.trains(positions) };
}

/** Layer normalisation of each row: γ·(h − μ)/√(σ² + ε) + β. h: [rows, d]. */
export function layerNorm(access: LayerAccess, name: string, h: Flow): Flow {
  const { mean, variance } = tf.moments(h.out, 1, true);
  const normalised = tf.mul(tf.sub(h.out, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPSILON)));
  const [gamma, beta] = [`${name}/gamma`, `${name}/beta`];
  return {
    out: tf.add(tf.mul(normalised, access.weight(gamma)), access.weight(beta)) as tf.Tensor2D,
    upstream: h.upstream || access.trains(gamma) || access.trains(beta),
  };
}

/** Additive mask [T, T]: 0 where position i may see position j ≤ i, −1e9 above the diagonal (exp gives exactly 0 there). */
function causalMask(t: number): tf.Tensor2D {
  // Built in JS memory: the backend's bandPart costs more than uploading T² numbers.
  const mask = new Float32Array(t * t);
  for (let i = 0; i < t; i++) mask.fill(-1e9, i * t + i + 1, (i + 1) * t);
  return tf.tensor2d(mask, [t, t]);
}

/** Splits [n·T, d] into heads: [n·H, T, d/H], or with `keysFirst` [n·H, d/H, T] (keys, transposed for q·kᵀ). */
function splitHeads(h: tf.Tensor2D, n: number, t: number, heads: number, keysFirst: boolean): tf.Tensor3D {
  const dh = h.shape[1] / heads;
  const perm = keysFirst ? [0, 2, 3, 1] : [0, 2, 1, 3];
  const split = tf.transpose(tf.reshape(h, [n, t, heads, dh]), perm);
  return tf.reshape(split, keysFirst ? [n * heads, dh, t] : [n * heads, t, dh]);
}

/**
 * Multi-head scaled dot-product attention with separate q, k, v, o kernel layers
 * (`<block>/attn/q` …): softmax(q·kᵀ/√(d/H) + mask)·v, heads concatenated, then o.
 * h: [n·T, d] → [n·T, d]; `causal` hides later positions from earlier ones.
 */
export function attention(access: LayerAccess, block: string, h: Flow, seq: { n: number; t: number }, heads: number, causal: boolean): Flow {
  const { n, t } = seq;
  const d = h.out.shape[1];
  if (d % heads !== 0) throw new Error(`${block}: width ${d} is not divisible by ${heads} heads`);
  const [q, k, v] = (['q', 'k', 'v'] as const).map((p) => access.dense(`${block}/attn/${p}`, h.out, h.upstream));
  const scores = tf.mul(
    batchMatMul(splitHeads(q.out, n, t, heads, false), splitHeads(k.out, n, t, heads, true), { a: q.upstream, b: k.upstream }),
    1 / Math.sqrt(d / heads),
  );
  const weights = tf.softmax(causal ? tf.add(scores, causalMask(t)) : scores) as tf.Tensor3D;
  const context = batchMatMul(weights, splitHeads(v.out, n, t, heads, false), { a: q.upstream || k.upstream, b: v.upstream });
  const merged = tf.reshape(tf.transpose(tf.reshape(context, [n, heads, t, d / heads]), [0, 2, 1, 3]), [n * t, d]) as tf.Tensor2D;
  return access.dense(`${block}/attn/o`, merged, q.upstream || k.upstream || v.upstream);
}

/**
 * A pre-LN transformer block: x + attn(LN₁(x)), then x + fc2(relu(fc1(LN₂(x)))). x: [n·T, d]. The MLP
 * uses ReLU, as the original transformer did: GELU's tanh and cube cost a fifth of a step on wasm.
 */
export function block(access: LayerAccess, layer: Extract<LayerSpec, { kind: 'block' }>, x: Flow, seq: { n: number; t: number }): Flow {
  const attended = attention(access, layer.name, layerNorm(access, `${layer.name}/ln1`, x), seq, layer.heads, layer.causal);
  const mid: Flow = { out: tf.add(x.out, attended.out), upstream: x.upstream || attended.upstream };
  const normed = layerNorm(access, `${layer.name}/ln2`, mid);
  const hidden = access.dense(`${layer.name}/mlp/fc1`, normed.out, normed.upstream);
  const out = access.dense(`${layer.name}/mlp/fc2`, tf.relu(hidden.out), hidden.upstream);
  return { out: tf.add(mid.out, out.out), upstream: mid.upstream || out.upstream };
}

/** Mean over each sequence's positions: [n·T, d] → [n, d]. */
export function meanPool(h: Flow, seq: { n: number; t: number }): Flow {
  return { out: tf.mean(tf.reshape(h.out, [seq.n, seq.t, h.out.shape[1]]), 1) as tf.Tensor2D, upstream: h.upstream };
}
