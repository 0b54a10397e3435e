// Keras-style functional models built with tfjs-layers for the graph-import tests: MobileNetV2 as
// keras.applications writes it, a ResNet with batch norm, and a model holding every other layer
// the engine runs. Saved with tf.io.withSaveHandler in the layout tensorflowjs_converter writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../../src-main/engine/rng';

type SymbolicTensor = tfl.SymbolicTensor;
const apply = (layer: tfl.layers.Layer, x: SymbolicTensor | SymbolicTensor[]) => layer.apply(x) as SymbolicTensor;
const channels = (x: SymbolicTensor) => x.shape[x.shape.length - 1] as number;

/** keras.applications' _make_divisible: v rounded to a multiple of 8, never more than 10% below v. */
function makeDivisible(v: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

/** keras.applications' MobileNetV2 batch norm (epsilon 1e-3, momentum 0.999). */
const bn = (name: string) => tfl.layers.batchNormalization({ epsilon: 1e-3, momentum: 0.999, name });

/** MobileNetV2's inverted residual block, as keras.applications.mobilenet_v2._inverted_res_block. */
function invertedResidual(input: SymbolicTensor, expansion: number, stride: number, alpha: number, filters: number, id: number): SymbolicTensor {
  const inChannels = channels(input);
  const pointwise = makeDivisible(Math.floor(filters * alpha));
  let x = input;
  let prefix = `block_${id}_`;
  if (id) {
    x = apply(tfl.layers.conv2d({ filters: expansion * inChannels, kernelSize: 1, padding: 'same', useBias: false, name: `${prefix}expand` }), x);
    x = apply(bn(`${prefix}expand_BN`), x);
    x = apply(tfl.layers.reLU({ maxValue: 6, name: `${prefix}expand_relu` }), x);
  } else {
    prefix = 'expanded_conv_';
  }
  if (stride === 2)
    x = apply(
      tfl.layers.zeroPadding2d({
        padding: [
          [0, 1],
          [0, 1],
        ],
        name: `${prefix}pad`,
      }),
      x,
    );
  x = apply(
    tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: stride, useBias: false, padding: stride === 1 ? 'same' : 'valid', name: `${prefix}depthwise` }),
    x,
  );
  x = apply(bn(`${prefix}depthwise_BN`), x);
  x = apply(tfl.layers.reLU({ maxValue: 6, name: `${prefix}depthwise_relu` }), x);
  x = apply(tfl.layers.conv2d({ filters: pointwise, kernelSize: 1, padding: 'same', useBias: false, name: `${prefix}project` }), x);
  x = apply(bn(`${prefix}project_BN`), x);
  if (inChannels === pointwise && stride === 1) return apply(tfl.layers.add({ name: `${prefix}add` }), [input, x]);
  return x;
}

/** MobileNetV2 (keras.applications layout, include_top) for `size`×`size`×3 images. */
export function mobileNetV2(alpha: number, size: number, classes: number): tfl.LayersModel {
  const input = tfl.input({ shape: [size, size, 3], name: 'input_1' });
  let x = apply(tfl.layers.conv2d({ filters: makeDivisible(32 * alpha), kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'Conv1' }), input);
  x = apply(bn('bn_Conv1'), x);
  x = apply(tfl.layers.reLU({ maxValue: 6, name: 'Conv1_relu' }), x);
  const blocks: [number, number, number][] = [
    [16, 1, 1],
    [24, 2, 6],
    [24, 1, 6],
    [32, 2, 6],
    [32, 1, 6],
    [32, 1, 6],
    [64, 2, 6],
    [64, 1, 6],
    [64, 1, 6],
    [64, 1, 6],
    [96, 1, 6],
    [96, 1, 6],
    [96, 1, 6],
    [160, 2, 6],
    [160, 1, 6],
    [160, 1, 6],
    [320, 1, 6],
  ];
  blocks.forEach(([filters, stride, expansion], id) => (x = invertedResidual(x, expansion, stride, alpha, filters, id)));
  x = apply(tfl.layers.conv2d({ filters: alpha > 1 ? makeDivisible(1280 * alpha) : 1280, kernelSize: 1, useBias: false, name: 'Conv_1' }), x);
  x = apply(bn('Conv_1_bn'), x);
  x = apply(tfl.layers.reLU({ maxValue: 6, name: 'out_relu' }), x);
  x = apply(tfl.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }), x);
  const out = apply(tfl.layers.dense({ units: classes, activation: 'softmax', name: 'predictions' }), x);
  return tfl.model({ inputs: input, outputs: out, name: 'mobilenetv2_0.35_96' });
}

/** A ResNet-style model: rescaling, a stem, basic residual blocks with batch norm (1×1 projection shortcuts where the shape changes), pooling, a softmax head. */
export function resNet(size: number, classes: number): tfl.LayersModel {
  const input = tfl.input({ shape: [size, size, 3], name: 'image' });
  let x = apply(tfl.layers.rescaling({ scale: 1 / 255, offset: -0.5, name: 'rescale' }), input);
  x = apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, name: 'stem_conv' }), x);
  x = apply(tfl.layers.batchNormalization({ name: 'stem_bn' }), x);
  x = apply(tfl.layers.activation({ activation: 'relu', name: 'stem_relu' }), x);
  x = apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'stem_pool' }), x);
  for (const [stage, filters, stride] of [
    [1, 8, 1],
    [2, 16, 2],
    [3, 32, 2],
  ]) {
    const name = `stage${stage}`;
    let shortcut = x;
    if (stride !== 1 || channels(x) !== filters) {
      shortcut = apply(tfl.layers.conv2d({ filters, kernelSize: 1, strides: stride, useBias: false, name: `${name}_proj` }), x);
      shortcut = apply(tfl.layers.batchNormalization({ name: `${name}_proj_bn` }), shortcut);
    }
    let y = apply(tfl.layers.conv2d({ filters, kernelSize: 3, strides: stride, padding: 'same', useBias: false, name: `${name}_conv1` }), x);
    y = apply(tfl.layers.batchNormalization({ name: `${name}_bn1` }), y);
    y = apply(tfl.layers.activation({ activation: 'relu', name: `${name}_relu1` }), y);
    y = apply(tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, name: `${name}_conv2` }), y);
    y = apply(tfl.layers.batchNormalization({ name: `${name}_bn2` }), y);
    x = apply(tfl.layers.add({ name: `${name}_add` }), [shortcut, y]);
    x = apply(tfl.layers.activation({ activation: 'relu', name: `${name}_out` }), x);
  }
  x = apply(tfl.layers.globalAveragePooling2d({ name: 'pool' }), x);
  x = apply(tfl.layers.dropout({ rate: 0.2, name: 'drop' }), x);
  const out = apply(tfl.layers.dense({ units: classes, activation: 'softmax', name: 'head' }), x);
  return tfl.model({ inputs: input, outputs: out, name: 'resnet_small' });
}

/**
 * Every other layer the engine runs, in one graph: dilated, strided and bias-free convolutions,
 * separable and depthwise (multiplier 2) ones, average pooling, Concatenate, a squeeze-and-excite
 * Multiply, layer norm, and the activations swish, gelu, tanh, sigmoid and relu6.
 */
export function layerZoo(size: number, classes: number): tfl.LayersModel {
  const input = tfl.input({ shape: [size, size, 3], name: 'pixels' });
  const a = apply(tfl.layers.conv2d({ filters: 6, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'swish', name: 'dilated' }), input);
  const b = apply(tfl.layers.conv2d({ filters: 4, kernelSize: [3, 2], padding: 'valid', activation: 'tanh', name: 'narrow' }), input);
  const bPadded = apply(
    tfl.layers.zeroPadding2d({
      padding: [
        [1, 1],
        [0, 1],
      ],
      name: 'pad_narrow',
    }),
    b,
  );
  let x = apply(tfl.layers.concatenate({ axis: -1, name: 'concat' }), [a, bPadded]);
  x = apply(tfl.layers.separableConv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'gelu', name: 'separable' }), x);
  x = apply(tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu6', name: 'depthwise' }), x);
  x = apply(tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same', name: 'avg' }), x);
  const squeeze = apply(tfl.layers.globalAveragePooling2d({ name: 'squeeze' }), x);
  let excite = apply(tfl.layers.dense({ units: 4, activation: 'relu', name: 'excite1' }), squeeze);
  excite = apply(tfl.layers.dense({ units: channels(x), activation: 'sigmoid', name: 'excite2' }), excite);
  excite = apply(tfl.layers.reshape({ targetShape: [1, 1, channels(x)], name: 'excite_shape' }), excite);
  x = apply(tfl.layers.multiply({ name: 'scale' }), [x, excite]);
  x = apply(tfl.layers.conv2d({ filters: 6, kernelSize: 1, strides: 2, useBias: false, name: 'squash' }), x);
  x = apply(tfl.layers.flatten({ name: 'flat' }), x);
  x = apply(tfl.layers.layerNormalization({ name: 'norm' }), x);
  x = apply(tfl.layers.dense({ units: 12, activation: 'gelu', name: 'hidden' }), x);
  const out = apply(tfl.layers.dense({ units: classes, name: 'logits' }), x);
  const probs = apply(tfl.layers.softmax({ name: 'probs' }), out);
  return tfl.model({ inputs: input, outputs: probs, name: 'zoo' });
}

/** A token classifier: Embedding, layer norm, a Dense over every position, Flatten and a head. */
export function tokenClassifier(length: number, vocab: number, classes: number): tfl.LayersModel {
  const input = tfl.input({ shape: [length], name: 'tokens' });
  let x = apply(tfl.layers.embedding({ inputDim: vocab, outputDim: 8, name: 'embed' }), input);
  x = apply(tfl.layers.layerNormalization({ name: 'embed_norm' }), x);
  x = apply(tfl.layers.dense({ units: 6, activation: 'tanh', name: 'per_token' }), x);
  x = apply(tfl.layers.flatten({ name: 'flat' }), x);
  const out = apply(tfl.layers.dense({ units: classes, activation: 'softmax', name: 'out' }), x);
  return tfl.model({ inputs: input, outputs: out, name: 'tokens' });
}

/**
 * Gives every batch norm moving statistics and affine weights away from their initial 0/1 (as a
 * trained model has), so that frozen statistics are actually exercised.
 */
export function trainedLookingNorms(model: tfl.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const values = layer.weights.map((w) => {
      const which = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
      const [lo, hi] = which === 'gamma' || which === 'moving_variance' ? [0.5, 1.5] : [-0.2, 0.2];
      return tf.tensor(
        Float32Array.from({ length: (w.shape as number[]).reduce((p, q) => p * q, 1) }, () => rng.uniform(lo, hi)),
        w.shape as number[],
      );
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** Saves a model into `dir` as model.json + weights.bin, as tfjs-node's file:// handler and tensorflowjs_converter do. */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return dir;
}
