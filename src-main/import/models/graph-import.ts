import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ModelLayerInfo } from '../../../src-shared/datasets';
import {
  GRAPH_ACTIVATIONS,
  GRAPH_INPUT,
  type GraphActivation,
  type GraphNode,
  type GraphOp,
  type GraphSpec,
  type Window,
} from '../../../src-shared/graph-spec';
import type { ImportedEngineSpec } from '../../../src-shared/layer-spec';
import { graphWeightShapes } from '../../engine/models/graph-weights';
import { PRETRAIN_HEAD, TARGET_HEAD } from '../../engine/models/layers';
import { ImportError } from '../import-error';
import { engineInputShape } from './input-shape';

/** Layer classes a functional graph may hold. */
export const GRAPH_CLASSES = [
  'InputLayer',
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Dense',
  'BatchNormalization',
  'LayerNormalization',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'ZeroPadding2D',
  'Rescaling',
  'Embedding',
  'Flatten',
  'Reshape',
  'Dropout',
  'Activation',
  'ReLU',
  'Softmax',
  'Add',
  'Concatenate',
  'Multiply',
];

/** What the engine runs, for messages that refuse a layer. */
export const GRAPH_SUPPORTED_TEXT =
  'Dense, Conv2D (same/valid padding, strides, dilation), DepthwiseConv2D, SeparableConv2D, BatchNormalization, LayerNormalization, ' +
  'MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, ZeroPadding2D, Rescaling, Embedding, Flatten, Reshape, Dropout, Activation/ReLU/Softmax ' +
  `(${GRAPH_ACTIVATIONS.join(', ')}; ReLU with max_value 6 is relu6), Add, Concatenate and Multiply, in a functional graph with one input ` +
  'and one output whose last Dense is the classification head (channels-last)';

/** A layer's config as tfjs-layers' getConfig() gives it (camelCase). */
interface Config {
  activation?: string;
  units?: number;
  filters?: number;
  kernelSize?: number | number[];
  poolSize?: number | number[];
  strides?: number | number[] | null;
  padding?: string | number | number[] | number[][];
  dataFormat?: string;
  dilationRate?: number | number[];
  depthMultiplier?: number;
  useBias?: boolean;
  axis?: number | number[];
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean | number;
  offset?: number;
  inputDim?: number;
  outputDim?: number;
  maskZero?: boolean;
  maxValue?: number | null;
}

type Layer = LayersModel['layers'][number];

function pair(v: number | number[] | null | undefined, fallback: [number, number]): [number, number] {
  if (v === undefined || v === null) return fallback;
  return Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v];
}

/**
 * Maps a loaded tfjs functional (or sequential) model onto a graph layer: every layer a node
 * (Dropout the identity), weights under `<layer>/<weight>`, the last Dense before the output the
 * pretrain head `head/kernel|bias` (a softmax after it dropped: the engine's head gives logits).
 * Refuses anything else by layer name, class and what is supported.
 */
export function describeGraph(
  model: LayersModel,
  file: string,
): { spec: ImportedEngineSpec; layers: ModelLayerInfo[]; weights: Map<string, Float32Array>; shapes: Map<string, number[]>; warnings: string[] } {
  const refuse = (layer: Layer, why: string): never => {
    throw new ImportError(`${file}: layer '${layer.name}' (${layer.getClassName()}) ${why}; RetainLab's engine supports ${GRAPH_SUPPORTED_TEXT}`);
  };
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw new ImportError(`${file}: the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; RetainLab models have one of each`);
  const engineInput = engineInputShape(model, file);
  const inputShape = model.inputs[0].shape.slice(1) as number[];

  const inputLayer = model.inputs[0].sourceLayer;
  // Engine names: the model's layer names, except those the engine uses itself.
  const reserved = new Set([PRETRAIN_HEAD, TARGET_HEAD, GRAPH_INPUT]);
  const nodeName = (layer: Layer) => (layer === inputLayer ? GRAPH_INPUT : reserved.has(layer.name) ? `${layer.name}_backbone` : layer.name);
  const sources = (layer: Layer): Layer[] => {
    const nodes = layer.inboundNodes.filter((n) => n.inboundLayers.length > 0 || layer === inputLayer);
    if (nodes.length > 1) refuse(layer, `is applied ${nodes.length} times (a shared layer)`);
    return nodes[0]?.inboundLayers ?? [];
  };

  // The head: the output, stepping back over a softmax/linear activation or dropout after the last Dense.
  const skipped = new Set<Layer>();
  let head = model.outputs[0].sourceLayer as Layer;
  for (;;) {
    const cls = head.getClassName();
    const activation = (head.getConfig() as Config).activation ?? 'linear';
    const passes = cls === 'Dropout' || cls === 'Softmax' || (cls === 'Activation' && (activation === 'softmax' || activation === 'linear'));
    if (!passes) break;
    skipped.add(head);
    head = sources(head)[0];
    if (!head || head === inputLayer) break;
  }
  if (!head || head.getClassName() !== 'Dense')
    throw new ImportError(
      `${file}: the model's output must come from a Dense classification head (optionally followed by a softmax); it comes from '${head?.name ?? '?'}'`,
    );
  const headConfig = head.getConfig() as Config;
  if (headConfig.activation !== 'linear' && headConfig.activation !== 'softmax')
    refuse(head, `is the head with activation '${headConfig.activation}'; a head must be linear or softmax`);
  const [features] = sources(head);
  const featureShape = (features.outputShape as number[]).slice(1);
  if (featureShape.length !== 1) refuse(head, `is the head and reads a [${featureShape.join(', ')}] tensor; put a Flatten or GlobalAveragePooling2D before it`);

  const nodes: GraphNode[] = [];
  const layers: ModelLayerInfo[] = [];
  const weights = new Map<string, Float32Array>();
  const shapes = new Map<string, number[]>();
  const frozen: string[] = [];
  const readers = new Map<Layer, number>();
  for (const layer of model.layers) for (const source of sources(layer)) readers.set(source, (readers.get(source) ?? 0) + 1);
  // Only the softmax after it may read the head.
  if ((readers.get(head) ?? 0) !== (head === model.outputs[0].sourceLayer ? 0 : 1)) refuse(head, 'is the head but other layers read it');

  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const config = layer.getConfig() as Config;
    const info: ModelLayerInfo = {
      name: layer.name,
      className: cls,
      outputShape: (layer.outputShape as (number | null)[]).slice(1),
      params: layer.countParams(),
      trainable: layer.trainable,
      loraAdaptable: cls === 'Dense' || cls === 'Conv2D',
      role: layer === inputLayer ? 'input' : layer === head ? 'head' : skipped.has(layer) || cls === 'Dropout' ? 'skipped' : 'backbone',
    };
    layers.push(info);
    if (layer === inputLayer || skipped.has(layer)) continue;
    if (!GRAPH_CLASSES.includes(cls)) refuse(layer, 'is a layer the engine cannot run');
    if (layer === head) {
      const engineWeights = layer.weights.map((w) => w.originalName.slice(w.originalName.lastIndexOf('/') + 1));
      layer.getWeights().forEach((t, i) => {
        weights.set(`${PRETRAIN_HEAD}/${engineWeights[i]}`, t.dataSync() as Float32Array);
        shapes.set(`${PRETRAIN_HEAD}/${engineWeights[i]}`, t.shape);
      });
      if (headConfig.useBias === false) {
        // The engine's heads have a bias: a zero one computes the same.
        weights.set(`${PRETRAIN_HEAD}/bias`, new Float32Array(headConfig.units!));
        shapes.set(`${PRETRAIN_HEAD}/bias`, [headConfig.units!]);
      }
      if (!layer.trainable) frozen.push(`${PRETRAIN_HEAD}/kernel`, `${PRETRAIN_HEAD}/bias`);
      continue;
    }
    const shape = (layer.outputShape as (number | null)[]).slice(1);
    if (Array.isArray(shape[0]) || shape.some((d) => d === null))
      refuse(layer, `has an output of unknown or several shapes (${JSON.stringify(layer.outputShape)})`);
    const inputs = sources(layer).map(nodeName);
    // The engine runs nodes in this order: each must read the input or a node before it.
    const missing = inputs.find((source) => source !== GRAPH_INPUT && !nodes.some((n) => n.name === source));
    if (missing !== undefined) refuse(layer, `reads '${missing}', which is not a layer before it that the engine runs`);
    const rank = shape.length + 1;
    if (config.dataFormat && config.dataFormat !== 'channelsLast') refuse(layer, `uses ${config.dataFormat} (only channels-last)`);
    const op = graphOp(layer, cls, config, rank, (why) => refuse(layer, why));
    nodes.push({ ...op, name: nodeName(layer), inputs, shape: shape as number[] } as GraphNode);
    const name = nodeName(layer);
    for (const [i, t] of layer.getWeights().entries()) {
      const weight = layer.weights[i].originalName;
      const engineName = `${name}/${weight.slice(weight.lastIndexOf('/') + 1)}`;
      weights.set(engineName, t.dataSync() as Float32Array);
      shapes.set(engineName, t.shape);
      if (!layer.trainable && !/moving_(mean|variance)$/.test(engineName)) frozen.push(engineName);
    }
  }
  const graph: GraphSpec = { inputShape, nodes, output: nodeName(features) };
  // Every weight the engine will build must have come from the model, in its shape.
  for (const w of graphWeightShapes(graph)) {
    const got = shapes.get(w.name);
    if (!got || got.join() !== w.shape.join())
      throw new ImportError(`${file}: weight '${w.name}' has shape ${got ? `[${got.join(', ')}]` : 'nothing'} where the layer needs [${w.shape.join(', ')}]`);
  }
  const warnings: string[] = [];
  const dropouts = layers.filter((l) => l.className === 'Dropout').length;
  if (dropouts) warnings.push(`${dropouts} Dropout layer${dropouts === 1 ? ' is' : 's are'} the identity: the engine fine-tunes without dropout.`);
  const norms = layers.filter((l) => l.className === 'BatchNormalization').length;
  if (norms)
    warnings.push(
      `${norms} BatchNormalization layer${norms === 1 ? ' keeps its' : 's keep their'} moving statistics frozen while fine-tuning (γ and β train); ` +
        "a study's baseModel.batchNorm = 'update' normalises with batch statistics and updates them instead.",
    );
  if (frozen.length && frozen.length === [...weights.keys()].filter((n) => !/moving_(mean|variance)$/.test(n)).length)
    warnings.push('Every layer is frozen (trainable: false) in the original model; fine-tuning methods decide what trains.');
  return {
    spec: { inputShape: engineInput, backbone: [{ kind: 'graph', name: 'graph', graph }], headUnits: headConfig.units!, frozen },
    layers,
    weights,
    shapes,
    warnings,
  };
}

/** An activation name the engine has, or a refusal. */
function activationOf(name: string | undefined, refuse: (why: string) => never): GraphActivation {
  const activation = name ?? 'linear';
  if (!(GRAPH_ACTIVATIONS as readonly string[]).includes(activation)) refuse(`uses activation '${activation}'`);
  return activation as GraphActivation;
}

/** A layer's op from its class and config. `rank` counts the batch axis. */
function graphOp(layer: Layer, cls: string, config: Config, rank: number, refuse: (why: string) => never): GraphOp {
  const window = (size: number | number[] | undefined, strides: number | number[] | null | undefined): Window => {
    if (typeof config.padding !== 'string' || !['same', 'valid'].includes(config.padding))
      refuse(`uses '${String(config.padding)}' padding (only same or valid)`);
    const windowSize = pair(size, [1, 1]);
    return { size: windowSize, strides: pair(strides, windowSize), dilation: pair(config.dilationRate, [1, 1]), padding: config.padding as 'same' | 'valid' };
  };
  const conv = (): Window => {
    if (rank !== 4) refuse(`gets a ${rank - 1}-D input; it needs [height, width, channels]`);
    const win = window(config.kernelSize, config.strides ?? 1);
    if ((win.strides[0] > 1 || win.strides[1] > 1) && (win.dilation[0] > 1 || win.dilation[1] > 1)) refuse('has both strides and dilation above 1');
    return win;
  };
  const bias = config.useBias !== false;
  switch (cls) {
    case 'Conv2D':
      return { op: 'conv', window: conv(), filters: config.filters!, bias, activation: activationOf(config.activation, refuse) };
    case 'DepthwiseConv2D':
      return { op: 'depthwise', window: conv(), multiplier: config.depthMultiplier ?? 1, bias, activation: activationOf(config.activation, refuse) };
    case 'SeparableConv2D':
      return {
        op: 'separable',
        window: conv(),
        multiplier: config.depthMultiplier ?? 1,
        filters: config.filters!,
        bias,
        activation: activationOf(config.activation, refuse),
      };
    case 'Dense':
      return { op: 'dense', units: config.units!, bias, activation: activationOf(config.activation, refuse) };
    case 'BatchNormalization':
    case 'LayerNormalization': {
      const axis = Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : config.axis;
      if (axis !== -1 && axis !== rank - 1) refuse(`normalises over axis ${JSON.stringify(config.axis)} (only the last)`);
      const norm = { epsilon: config.epsilon ?? 1e-3, center: config.center !== false, scale: config.scale !== false };
      return cls === 'BatchNormalization' ? { op: 'batchnorm', momentum: config.momentum ?? 0.99, ...norm } : { op: 'layernorm', ...norm };
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      if (rank !== 4) refuse(`gets a ${rank - 1}-D input; it needs [height, width, channels]`);
      return { op: cls === 'MaxPooling2D' ? 'maxpool' : 'avgpool', window: window(config.poolSize ?? 2, config.strides) };
    case 'GlobalAveragePooling2D':
      return { op: 'globalavgpool' };
    case 'ZeroPadding2D': {
      const p = config.padding;
      const rows = Array.isArray(p) ? (Array.isArray(p[0]) ? (p[0] as number[]) : [p[0] as number, p[0] as number]) : [p as number, p as number];
      const cols = Array.isArray(p) ? (Array.isArray(p[1]) ? (p[1] as number[]) : [p[1] as number, p[1] as number]) : [p as number, p as number];
      if (![...rows, ...cols].every((v) => Number.isInteger(v) && v >= 0)) refuse(`has padding ${JSON.stringify(p)}`);
      return { op: 'zeropad', pad: [rows as [number, number], cols as [number, number]] };
    }
    case 'Rescaling':
      if (typeof config.scale !== 'number' || typeof (config.offset ?? 0) !== 'number') refuse('rescales by per-channel values (only one scale and offset)');
      return { op: 'rescale', scale: config.scale as number, offset: config.offset ?? 0 };
    case 'Embedding':
      if (config.maskZero) refuse('masks token 0 (mask_zero)');
      return { op: 'embedding', vocab: config.inputDim!, dim: config.outputDim! };
    case 'Flatten':
      return { op: 'flatten' };
    case 'Reshape':
      return { op: 'reshape' };
    case 'Dropout':
      return { op: 'identity' };
    case 'Activation':
      return { op: 'activation', activation: activationOf(config.activation, refuse) };
    case 'Softmax':
      if (config.axis !== undefined && config.axis !== -1 && config.axis !== rank - 1) refuse('is a softmax over another axis than the last');
      return { op: 'activation', activation: 'softmax' };
    case 'ReLU':
      if (config.maxValue !== undefined && config.maxValue !== null && config.maxValue !== 6) refuse(`caps at ${config.maxValue} (only 6, ReLU6)`);
      return { op: 'activation', activation: config.maxValue === 6 ? 'relu6' : 'relu' };
    case 'Add':
      return { op: 'add' };
    case 'Multiply':
      return { op: 'multiply' };
    case 'Concatenate': {
      const axis = typeof config.axis === 'number' ? config.axis : -1;
      return { op: 'concat', axis: axis < 0 ? rank + axis : axis };
    }
    default:
      return refuse(`is a layer the engine cannot run (${layer.getClassName()})`);
  }
}
