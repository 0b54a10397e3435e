import { Rng } from '../rng';
import { graphFeatures, graphWeightShapes } from './graph-weights';
import { blockKernelLayers, PRETRAIN_HEAD, TARGET_HEAD, type ModelSpec } from './layers';

/** How a weight starts: Glorot-uniform kernels, zero biases, unit layer-norm gains, small embeddings. */
type Init = 'glorot' | 'zeros' | 'ones' | 'embedding';

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
  const addDense = (name: string, fanIn: number, units: number) => {
    out.push({ name: `${name}/kernel`, shape: [fanIn, units], fanIn, fanOut: units, init: 'glorot' });
    out.push({ name: `${name}/bias`, shape: [units], fanIn, fanOut: units, init: 'zeros' });
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
      out.push({ name: `${layer.name}/kernel`, shape: [k, k, c, layer.filters], fanIn: k * k * c, fanOut: k * k * layer.filters, init: 'glorot' });
      out.push({ name: `${layer.name}/bias`, shape: [layer.filters], fanIn: 0, fanOut: 0, init: 'zeros' });
      shape = [Math.floor((h - k) / layer.stride) + 1, Math.floor((w - k) / layer.stride) + 1, layer.filters];
    } else if (layer.kind === 'embedding') {
      const context = spec.inputShape[0];
      out.push({ name: `${layer.name}/tokens`, shape: [layer.vocab, layer.dim], fanIn: 0, fanOut: 0, init: 'embedding' });
      out.push({ name: `${layer.name}/positions`, shape: [context, layer.dim], fanIn: 0, fanOut: 0, init: 'embedding' });
      shape = [layer.dim];
    } else if (layer.kind === 'block') {
      const d = width();
      const hidden = d * layer.mlpRatio;
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
  addDense(PRETRAIN_HEAD, features, spec.pretrainClasses);
  if (spec.targetClasses !== null) addDense(TARGET_HEAD, features, spec.targetClasses);
  return out;
}

/** The initial values of one weight from the model's seeded generator (every weight draws in order, so a seed fixes them all). */
export function initialWeight(w: WeightShape, rng: Rng): Float32Array {
  const size = w.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  if (w.init === 'glorot') {
    const limit = Math.sqrt(6 / (w.fanIn + w.fanOut));
    for (let i = 0; i < size; i++) values[i] = rng.uniform(-limit, limit);
  } else if (w.init === 'embedding') {
    // Uniform on ±√3·std has standard deviation std.
    const limit = Math.sqrt(3) * EMBEDDING_STD;
    for (let i = 0; i < size; i++) values[i] = rng.uniform(-limit, limit);
  } else if (w.init === 'ones') {
    values.fill(1);
  }
  return values;
}
