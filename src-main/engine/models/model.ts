import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng';
import { conv2d, dense } from '../ops';
import { PRETRAIN_HEAD, TARGET_HEAD, type LayerSpec, type ModelSpec } from './layers';

/** Which head produces the logits: the pretrain head or the new target head. */
export type Head = 'pretrain' | 'target';

interface WeightShape {
  name: string;
  shape: number[];
  fanIn: number;
  fanOut: number;
}

/** Walks the layers and lists every weight with its shape and fans (for Glorot init). */
function weightShapes(spec: ModelSpec): WeightShape[] {
  const out: WeightShape[] = [];
  let shape: number[] = [...spec.inputShape];
  const addDense = (name: string, units: number) => {
    const fanIn = shape.reduce((a, b) => a * b, 1);
    out.push({ name: `${name}/kernel`, shape: [fanIn, units], fanIn, fanOut: units });
    out.push({ name: `${name}/bias`, shape: [units], fanIn, fanOut: units });
  };
  for (const layer of spec.backbone) {
    if (layer.kind === 'flatten') {
      shape = [shape.reduce((a, b) => a * b, 1)];
    } else if (layer.kind === 'dense') {
      addDense(layer.name, layer.units);
      shape = [layer.units];
    } else {
      const [h, w, c] = shape;
      const k = layer.kernel;
      out.push({ name: `${layer.name}/kernel`, shape: [k, k, c, layer.filters], fanIn: k * k * c, fanOut: k * k * layer.filters });
      out.push({ name: `${layer.name}/bias`, shape: [layer.filters], fanIn: 0, fanOut: 0 });
      shape = [Math.floor((h - k) / layer.stride) + 1, Math.floor((w - k) / layer.stride) + 1, layer.filters];
    }
  }
  const featureShape = shape;
  addDense(PRETRAIN_HEAD, spec.pretrainClasses);
  if (spec.targetClasses !== null) {
    shape = featureShape;
    addDense(TARGET_HEAD, spec.targetClasses);
  }
  return out;
}

/** Glorot-uniform kernels and zero biases from a seeded generator. */
function initialWeight(w: WeightShape, rng: Rng): Float32Array {
  const size = w.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  if (w.name.endsWith('/kernel')) {
    const limit = Math.sqrt(6 / (w.fanIn + w.fanOut));
    for (let i = 0; i < size; i++) values[i] = rng.uniform(-limit, limit);
  }
  return values;
}

let variableCounter = 0;

/** A built-in model as named tf.Variables with a functional forward pass. */
export class Model {
  /** Every weight by name, backbone first, then the pretrain head, then the target head. */
  readonly params = new Map<string, tf.Variable>();
  private readonly convs = new Map<string, ReturnType<typeof conv2d>>();

  /** Builds the model; weights named in `initial` are copied from it, the rest are freshly initialised. */
  constructor(
    readonly spec: ModelSpec,
    seed: number,
    initial?: Map<string, Float32Array>,
  ) {
    const rng = new Rng(seed);
    for (const w of weightShapes(spec)) {
      const fresh = initialWeight(w, rng);
      const values = initial?.get(w.name) ?? fresh;
      if (values.length !== fresh.length) throw new Error(`Weight ${w.name} has ${values.length} values, expected ${fresh.length}`);
      const initialTensor = tf.tensor(values, w.shape);
      // A variable takes its own reference to the data: the initial tensor must be freed.
      this.params.set(w.name, tf.variable(initialTensor, true, `${w.name}#${variableCounter++}`));
      initialTensor.dispose();
    }
    for (const layer of spec.backbone) if (layer.kind === 'conv') this.convs.set(layer.name, conv2d(layer.stride));
  }

  /** Total number of scalar weights. */
  get paramCount(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /** Names of the weights shared by pretrain and target (everything but the heads). */
  backboneNames(): string[] {
    return [...this.params.keys()].filter((n) => !n.startsWith(`${PRETRAIN_HEAD}/`) && !n.startsWith(`${TARGET_HEAD}/`));
  }

  /** Names of the weights of one head. */
  headNames(head: Head): string[] {
    const layer = head === 'target' && this.spec.targetClasses !== null ? TARGET_HEAD : PRETRAIN_HEAD;
    return [`${layer}/kernel`, `${layer}/bias`];
  }

  private p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`Model has no weight ${name}`);
    return v;
  }

  private layer(layer: LayerSpec, h: tf.Tensor): tf.Tensor {
    if (layer.kind === 'flatten') return tf.reshape(h, [h.shape[0], -1]);
    if (layer.kind === 'dense') {
      const z = dense(h as tf.Tensor2D, this.p(`${layer.name}/kernel`) as tf.Tensor2D, this.p(`${layer.name}/bias`) as tf.Tensor1D);
      return layer.activation === 'relu' ? tf.relu(z) : z;
    }
    const conv = this.convs.get(layer.name)!;
    return tf.relu(conv(h as tf.Tensor4D, this.p(`${layer.name}/kernel`) as tf.Tensor4D, this.p(`${layer.name}/bias`) as tf.Tensor1D));
  }

  /** Backbone output. x: [n, h·w·c] → [n, features]. */
  features(x: tf.Tensor2D): tf.Tensor2D {
    const [h, w, c] = this.spec.inputShape;
    let t: tf.Tensor = this.spec.backbone[0]?.kind === 'conv' ? tf.reshape(x, [x.shape[0], h, w, c]) : x;
    for (const layer of this.spec.backbone) t = this.layer(layer, t);
    return t as tf.Tensor2D;
  }

  /** Logits of a head on backbone features. features: [n, f] → [n, classes]. */
  headLogits(features: tf.Tensor2D, head: Head): tf.Tensor2D {
    const [kernel, bias] = this.headNames(head);
    return dense(features, this.p(kernel) as tf.Tensor2D, this.p(bias) as tf.Tensor1D);
  }

  /** Logits. x: [n, h·w·c] → [n, classes of the head]. */
  logits(x: tf.Tensor2D, head: Head): tf.Tensor2D {
    return this.headLogits(this.features(x), head);
  }

  /** Copies every weight to JS memory (a checkpoint). */
  snapshot(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.params) out.set(name, (v.dataSync() as Float32Array).slice());
    return out;
  }

  /** Frees every weight. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}
