import * as tf from '@tensorflow/tfjs-core';
import { GRAPH_INPUT, type GraphNode, type Window } from '../../../src-shared/graph-spec';
import type { LayerSpec } from '../../../src-shared/layer-spec';
import { matMul } from '../ops';
import { activate, convolve, depthwise } from './graph-ops';

/** What a graph needs from the model: its weights, which train, its kernels with LoRA adapters, and whether a training step runs. */
export interface GraphAccess {
  weight(name: string): tf.Tensor;
  /** A batch norm's moving statistic, which the 'update' mode assigns. */
  statistic(name: string): tf.Variable;
  trains(name: string): boolean;
  /** W of a kernel layer, plus scale·A·B when it has an adapter; `trains` when W or its adapter gets a gradient. */
  kernel(layer: string): { kernel: tf.Tensor; trains: boolean };
  /** True inside a fine-tuning step (batch norm in 'update' mode then uses and updates batch statistics). */
  training(): boolean;
}

/** A graph layer of a model's backbone. */
export type GraphLayer = Extract<LayerSpec, { kind: 'graph' }>;

/** A tensor of the forward pass and whether it carries a gradient. */
interface Value {
  t: tf.Tensor;
  upstream: boolean;
}

/** x + bias (when the node has one), then the node's activation. */
function finish(access: GraphAccess, node: GraphNode & { bias: boolean; activation: Parameters<typeof activate>[1] }, z: tf.Tensor): tf.Tensor {
  return activate(node.bias ? tf.add(z, access.weight(`${node.name}/bias`)) : z, node.activation);
}

/** Batch norm over the last axis with the moving statistics, or (training in 'update' mode) with the batch's, updating the moving ones. */
function batchNorm(access: GraphAccess, node: Extract<GraphNode, { op: 'batchnorm' }>, x: tf.Tensor, update: boolean): tf.Tensor {
  const gamma = node.scale ? access.weight(`${node.name}/gamma`) : undefined;
  const beta = node.center ? access.weight(`${node.name}/beta`) : undefined;
  const movingMean = access.statistic(`${node.name}/moving_mean`);
  const movingVariance = access.statistic(`${node.name}/moving_variance`);
  if (!update) return tf.batchNorm(x, movingMean, movingVariance, beta, gamma, node.epsilon);
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const m = node.momentum;
  // As Keras 3 and tfjs-layers: the moving variance averages the biased batch variance.
  movingMean.assign(tf.add(tf.mul(movingMean, m), tf.mul(mean, 1 - m)));
  movingVariance.assign(tf.add(tf.mul(movingVariance, m), tf.mul(variance, 1 - m)));
  return tf.batchNorm(x, mean, variance, beta, gamma, node.epsilon);
}

/** One node's output from its inputs' values. */
function apply(access: GraphAccess, node: GraphNode, inputs: Value[], update: boolean): Value {
  const [first] = inputs;
  const x = first.t;
  const upstream = inputs.some((v) => v.upstream);
  const n = x.shape[0];
  const weighted = (names: string[]) => upstream || names.some((w) => access.trains(`${node.name}/${w}`));
  switch (node.op) {
    case 'conv': {
      const { kernel, trains } = access.kernel(node.name);
      const z = convolve(x as tf.Tensor4D, kernel as tf.Tensor4D, node.window, { x: upstream, w: trains });
      return { t: finish(access, node, z), upstream: upstream || trains || weighted(['bias']) };
    }
    case 'depthwise':
    case 'separable': {
      let z: tf.Tensor4D = depthwise(x as tf.Tensor4D, access.weight(`${node.name}/depthwise_kernel`) as tf.Tensor4D, node.window);
      const weights = ['depthwise_kernel', 'bias'];
      if (node.op === 'separable') {
        const pointwise = `${node.name}/pointwise_kernel`;
        const win: Window = { size: [1, 1], strides: [1, 1], dilation: [1, 1], padding: 'valid' };
        z = convolve(z, access.weight(pointwise) as tf.Tensor4D, win, { x: weighted(['depthwise_kernel']), w: access.trains(pointwise) });
        weights.push('pointwise_kernel');
      }
      return { t: finish(access, node, z), upstream: weighted(weights) };
    }
    case 'dense': {
      const { kernel, trains } = access.kernel(node.name);
      const rows = tf.reshape(x, [-1, x.shape[x.shape.length - 1]]) as tf.Tensor2D;
      const z = tf.reshape(matMul(rows, kernel as tf.Tensor2D, { a: upstream, b: trains }), [n, ...node.shape]);
      return { t: finish(access, node, z), upstream: upstream || trains || weighted(['bias']) };
    }
    case 'batchnorm':
      return { t: batchNorm(access, node, x, update), upstream: weighted(['gamma', 'beta']) };
    case 'layernorm': {
      const { mean, variance } = tf.moments(x, x.shape.length - 1, true);
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, node.epsilon)));
      if (node.scale) y = tf.mul(y, access.weight(`${node.name}/gamma`));
      if (node.center) y = tf.add(y, access.weight(`${node.name}/beta`));
      return { t: y, upstream: weighted(['gamma', 'beta']) };
    }
    case 'maxpool':
    case 'avgpool': {
      const { size, strides, padding } = node.window;
      const pool = node.op === 'maxpool' ? tf.maxPool : tf.avgPool;
      return { t: pool(x as tf.Tensor4D, size, strides, padding), upstream };
    }
    case 'globalavgpool':
      return { t: tf.mean(x, [1, 2]), upstream };
    case 'zeropad':
      return { t: tf.pad(x, [[0, 0], ...node.pad, [0, 0]]), upstream };
    case 'rescale':
      return { t: tf.add(tf.mul(x, node.scale), node.offset), upstream };
    case 'embedding': {
      const table = `${node.name}/embeddings`;
      const ids = tf.reshape(tf.cast(x, 'int32'), [-1]) as tf.Tensor1D;
      const oneHot = tf.cast(tf.oneHot(ids, node.vocab), 'float32') as tf.Tensor2D;
      const rows = matMul(oneHot, access.weight(table) as tf.Tensor2D, { a: false, b: access.trains(table) });
      return { t: tf.reshape(rows, [n, ...node.shape]), upstream: access.trains(table) };
    }
    case 'flatten':
      return { t: tf.reshape(x, [n, -1]), upstream };
    case 'reshape':
      return { t: tf.reshape(x, [n, ...node.shape]), upstream };
    case 'identity':
      return { t: x, upstream };
    case 'activation':
      return { t: activate(x, node.activation), upstream };
    case 'add':
      return { t: tf.addN(inputs.map((v) => v.t)), upstream };
    case 'multiply':
      return { t: inputs.slice(1).reduce((acc, v) => tf.mul(acc, v.t), x), upstream };
    case 'concat':
      return {
        t: tf.concat(
          inputs.map((v) => v.t),
          node.axis,
        ),
        upstream,
      };
  }
}

/**
 * Runs a graph layer. x: the model's flat rows [n, …] → the output node's features [n, f]. Each
 * intermediate is freed once its last reader has run (a recorded gradient keeps its own copies),
 * so a deep network's evaluation holds only the live branches.
 */
export function runGraph(access: GraphAccess, layer: GraphLayer, x: tf.Tensor, upstream: boolean): { out: tf.Tensor2D; upstream: boolean } {
  const { graph } = layer;
  const update = layer.batchNorm === 'update' && access.training();
  const readers = new Map<string, number>();
  for (const node of graph.nodes) for (const source of node.inputs) readers.set(source, (readers.get(source) ?? 0) + 1);
  const values = new Map<string, Value>([[GRAPH_INPUT, { t: tf.reshape(x, [x.shape[0], ...graph.inputShape]), upstream }]]);
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((source) => values.get(source)!);
    const value = apply(access, node, inputs, update);
    // A node that passes its input through gets a tensor of its own, so freeing the input cannot free it.
    values.set(node.name, inputs.some((v) => v.t === value.t) ? { ...value, t: tf.clone(value.t) } : value);
    for (const source of node.inputs) {
      const left = readers.get(source)! - 1;
      readers.set(source, left);
      const done = values.get(source)!;
      if (left === 0 && source !== graph.output && done.t !== x) {
        done.t.dispose();
        values.delete(source);
      }
    }
  }
  const out = values.get(graph.output)!;
  return { out: tf.reshape(out.t, [out.t.shape[0], -1]) as tf.Tensor2D, upstream: out.upstream };
}
