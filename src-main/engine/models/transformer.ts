import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul, matMul } from '../ops';
import type { DenseActivation, LayerSpec } from '../../../src-shared/layer-spec';

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
 * The sequences of a forward pass: n sequences of T positions, with the optional per-token inputs of
 * a Hugging Face encoder: token types (float32 ids [n, T]) and an additive key mask [n, 1, 1, T]
 * (0 for a key that may be attended to, −1e9 for a padded one).
 */
export interface Sequences {
  n: number;
  t: number;
  tokenTypes?: tf.Tensor2D;
  keyBias?: tf.Tensor4D;
}

/** An activation of a dense layer or transformer MLP: exact GELU is x·Φ(x), gelu_new its tanh approximation (GPT-2). */
export function activate(h: tf.Tensor, activation: DenseActivation): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(h);
    case 'tanh':
      return tf.tanh(h);
    case 'gelu':
      return tf.mul(tf.mul(h, 0.5), tf.add(tf.erf(tf.mul(h, Math.SQRT1_2)), 1));
    case 'gelu_new': {
      const inner = tf.mul(tf.add(h, tf.mul(tf.pow(h, 3), 0.044715)), Math.sqrt(2 / Math.PI));
      return tf.mul(tf.mul(h, 0.5), tf.add(tf.tanh(inner), 1));
    }
    default:
      return h;
  }
}

/** One-hot rows of float32 ids [n, T] times a table [rows, dim] → [n·T, dim] (the table's gradient takes the fast hand-written path). */
function lookup(access: LayerAccess, table: string, ids: tf.Tensor2D, rows: number): tf.Tensor2D {
  const [n, t] = ids.shape;
  const oneHot = tf.cast(tf.oneHot(tf.reshape(tf.cast(ids, 'int32'), [n * t]), rows), 'float32') as tf.Tensor2D;
  return matMul(oneHot, access.weight(table) as tf.Tensor2D, { a: false, b: access.trains(table) });
}

/**
 * Token + learned position embedding. x: token ids as float32 [n, T] → [n·T, dim]. The lookup is a
 * one-hot matMul, so the table's gradient takes the fast hand-written path (vocabularies here are small).
 */
export function embed(access: LayerAccess, layer: Extract<LayerSpec, { kind: 'embedding' }>, x: tf.Tensor2D, seq?: Sequences): Flow {
  const [n, t] = x.shape;
  const tokens = `${layer.name}/tokens`;
  const positions = `${layer.name}/positions`;
  const emb = lookup(access, tokens, x, layer.vocab);
  // A checkpoint's position table may be longer than the context: its first T rows are used.
  const table = access.weight(positions);
  if (t > table.shape[0]) throw new Error(`${layer.name}: sequences of ${t} tokens, but the model has positions for ${table.shape[0]}`);
  const rows = table.shape[0] === t ? table : tf.slice(table, [0, 0], [t, layer.dim]);
  let sum = tf.add(tf.reshape(emb, [n, t, layer.dim]), rows);
  let upstream = access.trains(tokens) || access.trains(positions);
  if (layer.typeVocab) {
    const types = `${layer.name}/types`;
    // Without types every token is of type 0.
    const typed = seq?.tokenTypes
      ? tf.reshape(lookup(access, types, seq.tokenTypes, layer.typeVocab), [n, t, layer.dim])
      : tf.slice(access.weight(types), [0, 0], [1, layer.dim]);
    sum = tf.add(sum, typed);
    upstream = upstream || access.trains(types);
  }
  return { out: tf.reshape(sum, [n * t, layer.dim]), upstream };
}

/** Layer normalisation of each row: γ·(h − μ)/√(σ² + ε) + β. h: [rows, d]. */
export function layerNorm(access: LayerAccess, name: string, h: Flow, eps = LAYER_NORM_EPSILON): Flow {
  const { mean, variance } = tf.moments(h.out, 1, true);
  const normalised = tf.mul(tf.sub(h.out, mean), tf.rsqrt(tf.add(variance, eps)));
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
 * h: [n·T, d] → [n·T, d]; `causal` hides later positions from earlier ones, `seq.keyBias` padded keys.
 */
export function attention(access: LayerAccess, block: string, h: Flow, seq: Sequences, heads: number, causal: boolean): Flow {
  const { n, t } = seq;
  const d = h.out.shape[1];
  if (d % heads !== 0) throw new Error(`${block}: width ${d} is not divisible by ${heads} heads`);
  const [q, k, v] = (['q', 'k', 'v'] as const).map((p) => access.dense(`${block}/attn/${p}`, h.out, h.upstream));
  const scores = tf.mul(
    batchMatMul(splitHeads(q.out, n, t, heads, false), splitHeads(k.out, n, t, heads, true), { a: q.upstream, b: k.upstream }),
    1 / Math.sqrt(d / heads),
  );
  const masked = seq.keyBias ? tf.reshape(tf.add(tf.reshape(scores, [n, heads, t, t]), seq.keyBias), [n * heads, t, t]) : scores;
  const weights = tf.softmax(causal ? tf.add(masked, causalMask(t)) : masked) as tf.Tensor3D;
  const context = batchMatMul(weights, splitHeads(v.out, n, t, heads, false), { a: q.upstream || k.upstream, b: v.upstream });
  const merged = tf.reshape(tf.transpose(tf.reshape(context, [n, heads, t, d / heads]), [0, 2, 1, 3]), [n * t, d]) as tf.Tensor2D;
  return access.dense(`${block}/attn/o`, merged, q.upstream || k.upstream || v.upstream);
}

/**
 * A pre-LN transformer block: x + attn(LN₁(x)), then x + fc2(relu(fc1(LN₂(x)))). x: [n·T, d]. The MLP
 * uses ReLU, as the original transformer did: GELU's tanh and cube cost a fifth of a step on wasm.
 * A checkpoint's block may be post-LN and use GELU (blockOf).
 */
export function block(access: LayerAccess, layer: Extract<LayerSpec, { kind: 'block' }>, x: Flow, seq: Sequences): Flow {
  if (layer.norm === 'post' || layer.activation || layer.eps !== undefined) return blockOf(access, layer, x, seq);
  const attended = attention(access, layer.name, layerNorm(access, `${layer.name}/ln1`, x), seq, layer.heads, layer.causal);
  const mid: Flow = { out: tf.add(x.out, attended.out), upstream: x.upstream || attended.upstream };
  const normed = layerNorm(access, `${layer.name}/ln2`, mid);
  const hidden = access.dense(`${layer.name}/mlp/fc1`, normed.out, normed.upstream);
  const out = access.dense(`${layer.name}/mlp/fc2`, tf.relu(hidden.out), hidden.upstream);
  return { out: tf.add(mid.out, out.out), upstream: mid.upstream || out.upstream };
}

/**
 * A block as a Hugging Face checkpoint has it: pre-LN (GPT-2) x + attn(LN₁(x)), x + mlp(LN₂(x)), or
 * post-LN (BERT) LN₁(x + attn(x)), LN₂(h + mlp(h)); the MLP's activation and the norms' ε from the spec.
 */
function blockOf(access: LayerAccess, layer: Extract<LayerSpec, { kind: 'block' }>, x: Flow, seq: Sequences): Flow {
  const eps = layer.eps ?? LAYER_NORM_EPSILON;
  const post = layer.norm === 'post';
  const residual = (a: Flow, b: Flow): Flow => ({ out: tf.add(a.out, b.out), upstream: a.upstream || b.upstream });
  const mlp = (h: Flow): Flow => {
    const hidden = access.dense(`${layer.name}/mlp/fc1`, h.out, h.upstream);
    return access.dense(`${layer.name}/mlp/fc2`, activate(hidden.out, layer.activation ?? 'relu') as tf.Tensor2D, hidden.upstream);
  };
  if (post) {
    const mid = layerNorm(access, `${layer.name}/ln1`, residual(x, attention(access, layer.name, x, seq, layer.heads, layer.causal)), eps);
    return layerNorm(access, `${layer.name}/ln2`, residual(mid, mlp(mid)), eps);
  }
  const mid = residual(x, attention(access, layer.name, layerNorm(access, `${layer.name}/ln1`, x, eps), seq, layer.heads, layer.causal));
  return residual(mid, mlp(layerNorm(access, `${layer.name}/ln2`, mid, eps)));
}

/** Mean over each sequence's positions: [n·T, d] → [n, d]. */
export function meanPool(h: Flow, seq: { n: number; t: number }): Flow {
  return { out: tf.mean(tf.reshape(h.out, [seq.n, seq.t, h.out.shape[1]]), 1) as tf.Tensor2D, upstream: h.upstream };
}

/** Each sequence's first position (BERT's [CLS]): [n·T, d] → [n, d]. */
export function firstToken(h: Flow, seq: { n: number; t: number }): Flow {
  const d = h.out.shape[1];
  return { out: tf.reshape(tf.slice(tf.reshape(h.out, [seq.n, seq.t, d]), [0, 0, 0], [seq.n, 1, d]), [seq.n, d]) as tf.Tensor2D, upstream: h.upstream };
}
