import { weightInitOf, type WeightInit } from '../../../src-shared/weight-init';
import type { HeadSpec } from '../../../src-shared/layer-spec';
import { Rng } from '../rng';
import { graphFeatures, graphWeightShapes } from './graph-weights';
import { blockKernelLayers, PRETRAIN_HEAD, TARGET_HEAD, type ModelSpec } from './layers';

/**
 * How a weight starts: kernels by the recipe's initialisation (glorot, pytorch: uniform ±1/√fan-in,
 * he: normal with std √(2/fan-in)), biases zero or (pytorch) uniform ±1/√fan-in, unit layer-norm
 * gains, small embeddings.
 */
type Init = WeightInit | 'zeros' | 'ones' | 'embedding';

/** One weight of a model with its shape and initialisation. */
export interface WeightShape {
  name: string;
  shape: number[];
  fanIn: number;
  fanOut: number;
  init: Init;
  /** A batch norm's moving statistic: state the forward reads, never trained by gradients. */
  statistic?: true;
}

/** Std of the embedding tables (GPT-2's 0.02), drawn uniform so one seeded generator serves every weight. */
const EMBEDDING_STD = 0.02;

/** Walks the layers and lists every weight with its shape and fans, backbone first, then the heads. */
export function weightShapes(spec: ModelSpec): WeightShape[] {
  const out: WeightShape[] = [];
  let shape: number[] = [...spec.inputShape];
  const kernelInit = weightInitOf(spec);
  // PyTorch's nn.Linear and nn.Conv2d draw their biases from the kernel's bounds; Keras and He leave them zero.
  const biasInit: Init = kernelInit === 'pytorch' ? 'pytorch' : 'zeros';
  const addDense = (name: string, fanIn: number, units: number) => {
    out.push({ name: `${name}/kernel`, shape: [fanIn, units], fanIn, fanOut: units, init: kernelInit });
    out.push({ name: `${name}/bias`, shape: [units], fanIn, fanOut: units, init: biasInit });
  };
  const addNorm = (name: string, width: number) => {
    out.push({ name: `${name}/gamma`, shape: [width], fanIn: 0, fanOut: 0, init: 'ones' });
    out.push({ name: `${name}/beta`, shape: [width], fanIn: 0, fanOut: 0, init: 'zeros' });
  };
  const width = () => shape.reduce((a, b) => a * b, 1);
  for (const layer of spec.backbone) {
    if (layer.kind === 'flatten') {
      shape = [width()];
    } else if (layer.kind === 'dense') {
      addDense(layer.name, width(), layer.units);
      shape = [layer.units];
    } else if (layer.kind === 'conv') {
      const [h, w, c] = shape;
      const k = layer.kernel;
      const fanIn = k * k * c;
      out.push({ name: `${layer.name}/kernel`, shape: [k, k, c, layer.filters], fanIn, fanOut: k * k * layer.filters, init: kernelInit });
      out.push({ name: `${layer.name}/bias`, shape: [layer.filters], fanIn, fanOut: 0, init: biasInit });
      shape = [Math.floor((h - k) / layer.stride) + 1, Math.floor((w - k) / layer.stride) + 1, layer.filters];
    } else if (layer.kind === 'embedding') {
      const positions = layer.positions ?? spec.inputShape[0];
      out.push({ name: `${layer.name}/tokens`, shape: [layer.vocab, layer.dim], fanIn: 0, fanOut: 0, init: 'embedding' });
      out.push({ name: `${layer.name}/positions`, shape: [positions, layer.dim], fanIn: 0, fanOut: 0, init: 'embedding' });
      if (layer.typeVocab) out.push({ name: `${layer.name}/types`, shape: [layer.typeVocab, layer.dim], fanIn: 0, fanOut: 0, init: 'embedding' });
      shape = [layer.dim];
    } else if (layer.kind === 'block') {
      const d = width();
      const hidden = layer.hidden ?? d * layer.mlpRatio;
      addNorm(`${layer.name}/ln1`, d);
      for (const [name, kind] of blockKernelLayers(layer.name)) {
        if (kind === 'attention') addDense(name, d, d);
      }
      addNorm(`${layer.name}/ln2`, d);
      addDense(`${layer.name}/mlp/fc1`, d, hidden);
      addDense(`${layer.name}/mlp/fc2`, hidden, d);
    } else if (layer.kind === 'norm') {
      addNorm(layer.name, width());
    } else if (layer.kind === 'graph') {
      out.push(...graphWeightShapes(layer.graph));
      shape = [graphFeatures(layer.graph)];
    }
    // 'pool' keeps the feature width: it only averages over positions.
  }
  const features = width();
  const addHead = (name: string, head: HeadSpec | undefined, units: number) => {
    // A head's own layers are walked as a backbone over the feature rows, without that walk's head.
    const layers = head?.layers?.length
      ? weightShapes({ ...spec, inputShape: [features, 1, 1], backbone: head.layers, heads: undefined, targetClasses: null })
      : [];
    const fanIn = layers.length ? layers[layers.length - 1].fanIn : features;
    out.push(...layers.slice(0, -2));
    if (!head?.tied) out.push({ name: `${name}/kernel`, shape: [fanIn, units], fanIn, fanOut: units, init: kernelInit });
    if (head?.bias ?? true) out.push({ name: `${name}/bias`, shape: [units], fanIn, fanOut: units, init: biasInit });
  };
  addHead(PRETRAIN_HEAD, spec.heads?.pretrain, spec.pretrainClasses);
  if (spec.targetClasses !== null) addHead(TARGET_HEAD, spec.heads?.target, spec.targetClasses);
  return out;
}

/** The initial values of one weight from the model's seeded generator (every weight draws in order, so a seed fixes them all). */
export function initialWeight(w: WeightShape, rng: Rng): Float32Array {
  const size = w.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  if (w.init === 'glorot') {
    const limit = Math.sqrt(6 / (w.fanIn + w.fanOut));
    for (let i = 0; i < size; i++) values[i] = rng.uniform(-limit, limit);
  } else if (w.init === 'pytorch') {
    const limit = 1 / Math.sqrt(w.fanIn);
    for (let i = 0; i < size; i++) values[i] = rng.uniform(-limit, limit);
  } else if (w.init === 'he') {
    // PyTorch's kaiming_normal_ (fan-in mode, ReLU gain √2): an untruncated normal, drawn in Box–Muller pairs.
    const std = Math.sqrt(2 / w.fanIn);
    for (let i = 0; i < size; i += 2) {
      const radius = std * Math.sqrt(-2 * Math.log(1 - rng.next()));
      const angle = 2 * Math.PI * rng.next();
      values[i] = radius * Math.cos(angle);
      if (i + 1 < size) values[i + 1] = radius * Math.sin(angle);
    }
  } else if (w.init === 'embedding') {
    // Uniform on ±√3·std has standard deviation std.
    const limit = Math.sqrt(3) * EMBEDDING_STD;
    for (let i = 0; i < size; i++) values[i] = rng.uniform(-limit, limit);
  } else if (w.init === 'ones') {
    values.fill(1);
  }
  return values;
}
