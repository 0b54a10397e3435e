import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng';
import { conv2dBiasActivation, matMul } from '../ops';
import type { HeadSpec, LayerSpec } from '../../../src-shared/layer-spec';
import { isSequenceModel, PRETRAIN_HEAD, TARGET_HEAD, type ModelSpec } from './layers';
import { runGraph, type GraphAccess } from './graph';
import { activate, block, embed, firstToken, layerNorm, meanPool, type Flow, type LayerAccess, type Sequences } from './transformer';
import { initialWeight, weightShapes } from './weights';

/** Which head produces the logits: the pretrain head or the new target head. */
export type Head = 'pretrain' | 'target';

/** Per-token inputs of a Hugging Face encoder besides the ids, each float32 [n, T]: token types, and 1/0 for keys that may/may not be attended to. */
export interface SequenceInputs {
  tokenTypes?: tf.Tensor2D;
  attentionMask?: tf.Tensor2D;
}

let variableCounter = 0;

/** A low-rank adapter on one layer's kernel: ΔW = scale·A·B (methods.md §3.9). */
export interface LoraAdapter {
  /** [fan-in, r] (for a conv kernel [kh, kw, in, out] the fan-in is kh·kw·in) */
  a: tf.Variable;
  /** [r, out] */
  b: tf.Variable;
  scale: number;
}

/** A built-in model as named tf.Variables with a functional forward pass. */
export class Model {
  /** Every weight by name, backbone first, then the pretrain head, then the target head. */
  readonly params = new Map<string, tf.Variable>();
  /** LoRA adapters by layer name. */
  readonly adapters = new Map<string, LoraAdapter>();
  /** Weights that receive gradients; null means all (the forward skips gradients nobody needs). */
  private trainable: Set<string> | null = null;
  /** Batch norms' moving statistics: variables the forward reads (and may assign), never given to an optimizer. */
  readonly statistics = new Set<string>();
  /** Set by the fine-tuning step around its forward (a graph's batch norm in 'update' mode then uses batch statistics). */
  training = false;

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
      this.params.set(w.name, tf.variable(initialTensor, !w.statistic, `${w.name}#${variableCounter++}`));
      if (w.statistic) this.statistics.add(w.name);
      initialTensor.dispose();
    }
  }

  /** Total number of scalar weights (adapters excluded). */
  get paramCount(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /**
   * The weight-name prefixes of a head layer: its own, and those of its layers named apart from it (a BERT classifier's
   * `pooler`, read only by the target head: part of the new head, not of the backbone θ₀ is compared on).
   */
  private headPrefixes(layer: string): string[] {
    return [layer, ...(this.headSpec(layer)?.layers ?? []).map((l) => l.name)].map((name) => `${name}/`);
  }

  /** Names of the weights shared by pretrain and target (everything but the heads). */
  backboneNames(): string[] {
    const heads = [...this.headPrefixes(PRETRAIN_HEAD), ...this.headPrefixes(TARGET_HEAD)];
    return [...this.params.keys()].filter((n) => !heads.some((p) => n.startsWith(p)));
  }

  /** Names of the weights of one head (its own layers' included; a tied head's kernel belongs to the backbone). */
  headNames(head: Head): string[] {
    const prefixes = this.headPrefixes(this.headLayer(head));
    return [...this.params.keys()].filter((n) => prefixes.some((p) => n.startsWith(p)));
  }

  /** Layers with a kernel (dense, conv, attention projections and transformer MLPs, heads included), in forward order. */
  kernelLayers(): string[] {
    return [...this.params.keys()].filter((n) => n.endsWith('/kernel')).map((n) => n.slice(0, -'/kernel'.length));
  }

  /** Restricts gradients to these weights (adapters always train); null trains every weight. */
  setTrainable(names: string[] | null): void {
    this.trainable = names ? new Set(names) : null;
  }

  private headLayer(head: Head): string {
    return head === 'target' && this.spec.targetClasses !== null ? TARGET_HEAD : PRETRAIN_HEAD;
  }

  private p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`Model has no weight ${name}`);
    return v;
  }

  private trains(name: string): boolean {
    return this.trainable === null || this.trainable.has(name);
  }

  /** The kernel the forward uses: W, plus scale·A·B when the layer has an adapter. */
  private kernel(layer: string): { kernel: tf.Tensor; trains: boolean } {
    const w = this.p(`${layer}/kernel`);
    const adapter = this.adapters.get(layer);
    if (!adapter) return { kernel: w, trains: this.trains(`${layer}/kernel`) };
    const delta = tf.mul(matMul(adapter.a as tf.Tensor2D, adapter.b as tf.Tensor2D, { a: true, b: true }), adapter.scale);
    return { kernel: tf.add(w, tf.reshape(delta, w.shape)), trains: true };
  }

  /** One dense layer before its activation; `upstream` says whether its input carries a gradient. */
  private parametric(layer: string, h: tf.Tensor, upstream: boolean): { out: tf.Tensor; trains: boolean } {
    const biasName = `${layer}/bias`;
    const adapter = this.adapters.get(layer);
    if (adapter) {
      // x·W + scale·(x·A)·B: neither W + scale·A·B nor its full-size gradient is ever formed, so a
      // LoRA step costs less than a full one (for conv kernels the adapted kernel is formed instead).
      const w = this.p(`${layer}/kernel`);
      const x = h as tf.Tensor2D;
      const base = matMul(x, w as tf.Tensor2D, { a: upstream, b: this.trains(`${layer}/kernel`) });
      const low = tf.mul(matMul(x, adapter.a as tf.Tensor2D, { a: upstream, b: true }), adapter.scale) as tf.Tensor2D;
      const z = tf.add(base, matMul(low, adapter.b as tf.Tensor2D, { a: true, b: true }));
      return { out: tf.add(z, this.p(biasName)), trains: true };
    }
    const { kernel, trains } = this.kernel(layer);
    const z = matMul(h as tf.Tensor2D, kernel as tf.Tensor2D, { a: upstream, b: trains });
    return { out: tf.add(z, this.p(biasName)), trains: trains || this.trains(biasName) };
  }

  /** One conv layer with its bias and activation (one fused op); an adapted kernel is formed first. */
  private conv(layer: Extract<LayerSpec, { kind: 'conv' }>, h: tf.Tensor4D, upstream: boolean): { out: tf.Tensor; upstream: boolean } {
    const { kernel, trains } = this.kernel(layer.name);
    const biasName = `${layer.name}/bias`;
    const need = { x: upstream, w: trains, bias: this.trains(biasName) };
    const out = conv2dBiasActivation(h, kernel as tf.Tensor4D, this.p(biasName) as tf.Tensor1D, layer.stride, layer.activation, need);
    return { out, upstream: upstream || need.w || need.bias };
  }

  /** The model's weights and kernel layers as the transformer layers see them. */
  private readonly access: LayerAccess = {
    weight: (name) => this.p(name),
    trains: (name) => this.trains(name),
    dense: (layer, h, upstream) => {
      const { out, trains } = this.parametric(layer, h, upstream);
      return { out: out as tf.Tensor2D, upstream: upstream || trains };
    },
  };

  /** The model as a graph layer sees it. */
  private readonly graphAccess: GraphAccess = {
    weight: (name) => this.p(name),
    statistic: (name) => this.p(name),
    trains: (name) => this.trains(name),
    kernel: (layer) => this.kernel(layer),
    training: () => this.training,
  };

  private layer(layer: LayerSpec, h: tf.Tensor, upstream: boolean, seq: Sequences): { out: tf.Tensor; upstream: boolean } {
    const flow: Flow = { out: h as tf.Tensor2D, upstream };
    switch (layer.kind) {
      case 'flatten':
        return { out: tf.reshape(h, [h.shape[0], -1]), upstream };
      case 'embedding':
        return embed(this.access, layer, h as tf.Tensor2D, seq);
      case 'block':
        return block(this.access, layer, flow, seq);
      case 'norm':
        return layerNorm(this.access, layer.name, flow, layer.eps);
      case 'pool':
        return layer.mode === 'first' ? firstToken(flow, seq) : meanPool(flow, seq);
      case 'graph':
        return runGraph(this.graphAccess, layer, h, upstream);
      case 'conv':
        return this.conv(layer, h as tf.Tensor4D, upstream);
      default: {
        const { out, trains } = this.parametric(layer.name, h, upstream);
        return { out: activate(out, layer.activation), upstream: upstream || trains };
      }
    }
  }

  /**
   * Backbone output and whether it carries a gradient. x: [n, h·w·c] → [n, features]; for a
   * sequence model x holds token ids [n, T] and the output has one row per position, [n·T, d],
   * unless a pool layer averages them to [n, d].
   */
  private backbone(x: tf.Tensor2D, inputs?: SequenceInputs): { features: tf.Tensor2D; upstream: boolean; seq: Sequences } {
    const [h, w, c] = this.spec.inputShape;
    let t: tf.Tensor = this.spec.backbone[0]?.kind === 'conv' ? tf.reshape(x, [x.shape[0], h, w, c]) : x;
    let upstream = false;
    const seq = this.sequences(x, inputs);
    for (const layer of this.spec.backbone) ({ out: t, upstream } = this.layer(layer, t, upstream, seq));
    return { features: t as tf.Tensor2D, upstream, seq };
  }

  /** The sequences of x: a sequence model's T is x's width (a checkpoint may run shorter than its context); padded keys are masked as the inputs or the pad token say. */
  private sequences(x: tf.Tensor2D, inputs?: SequenceInputs): Sequences {
    const first = this.spec.backbone[0];
    if (first?.kind !== 'embedding') return { n: x.shape[0], t: this.spec.inputShape[0] };
    const [n, t] = x.shape;
    const keep = inputs?.attentionMask ?? (first.padToken === undefined ? null : tf.cast(tf.notEqual(x, first.padToken), 'float32'));
    // exp(−1e9 + s) is exactly 0 in float32: a masked key gets no weight.
    const keyBias = keep ? (tf.reshape(tf.mul(tf.sub(keep, 1), 1e9), [n, 1, 1, t]) as tf.Tensor4D) : undefined;
    return { n, t, tokenTypes: inputs?.tokenTypes, keyBias };
  }

  /** A head layer's spec where it is more than one dense layer on the features. */
  private headSpec(layer: string): HeadSpec | undefined {
    return layer === TARGET_HEAD ? this.spec.heads?.target : this.spec.heads?.pretrain;
  }

  /** The backbone's features through a head's own layers (BERT's pooled [CLS]): what its kernel reads. */
  private headInput(spec: HeadSpec | undefined, features: tf.Tensor2D, upstream: boolean, seq: Sequences): { out: tf.Tensor2D; upstream: boolean } {
    let flow: { out: tf.Tensor; upstream: boolean } = { out: features, upstream };
    for (const l of spec?.layers ?? []) flow = this.layer(l, flow.out, flow.upstream, seq);
    return flow as { out: tf.Tensor2D; upstream: boolean };
  }

  /** A head on the backbone's features: its own layers, then its kernel (a tied head: the transpose of a backbone weight) and bias. */
  private head(layer: string, features: tf.Tensor2D, upstream: boolean, seq: Sequences): tf.Tensor2D {
    const spec = this.headSpec(layer);
    if (!spec) return this.parametric(layer, features, upstream).out as tf.Tensor2D;
    const input = this.headInput(spec, features, upstream, seq);
    const h = input.out;
    upstream = input.upstream;
    if (!spec.tied) return this.parametric(layer, h, upstream).out as tf.Tensor2D;
    const z = matMul(h as tf.Tensor2D, tf.transpose(this.p(spec.tied)) as tf.Tensor2D, { a: upstream, b: this.trains(spec.tied) });
    return spec.bias === false ? z : tf.add(z, this.p(`${layer}/bias`));
  }

  /** Backbone output. x: [n, h·w·c] → [n, features] (a language model: [n·T, d], one row per position). */
  features(x: tf.Tensor2D, inputs?: SequenceInputs): tf.Tensor2D {
    return this.backbone(x, inputs).features;
  }

  /** What a head's kernel reads of x: the backbone's features through the head's own layers (a classifier on a language model: one row per sequence). */
  headFeatures(x: tf.Tensor2D, head: Head): tf.Tensor2D {
    const { features, upstream, seq } = this.backbone(x);
    return this.headInput(this.headSpec(this.headLayer(head)), features, upstream, seq).out;
  }

  /**
   * Rows per chunk when a whole set is evaluated: a transformer's attention holds heads·T² numbers
   * per sequence, so sequences go a hundred at a time where images go two thousand.
   */
  get evalChunk(): number {
    // A deep graph's early activations are large (MobileNetV2 at 96×96: ≈0.9 MB per image in one layer).
    return isSequenceModel(this.spec) ? 128 : this.spec.backbone.some((l) => l.kind === 'graph') ? 64 : 2000;
  }

  /** Logits. x: [n, h·w·c] → [n, classes of the head]; a language model: [n·T, vocabulary]. */
  logits(x: tf.Tensor2D, head: Head, inputs?: SequenceInputs): tf.Tensor2D {
    const { features, upstream, seq } = this.backbone(x, inputs);
    return this.head(this.headLayer(head), features, upstream, seq);
  }

  /** A head's logits of backbone features (as `features` returns them): [n, features] → [n, classes of the head]. */
  headLogits(features: tf.Tensor2D, head: Head): tf.Tensor2D {
    const layer = this.headLayer(head);
    // A head with layers of its own or a tied kernel reads more than one kernel on the features (BERT's pooler, GPT-2's tied head).
    if (this.headSpec(layer) !== undefined)
      throw new Error(`the ${head} head is not one dense layer on the backbone's features, so its per-sample gradient cannot be read off them`);
    return this.parametric(layer, features, false).out as tf.Tensor2D;
  }

  /**
   * Logits of two row blocks of x through possibly different heads, with one backbone pass (a
   * mixed rehearsal batch costs one forward, not two). x: [a+b, d] → [a, classes₁], [b, classes₂]
   * (a language model: [a·T, vocabulary], [b·T, vocabulary]).
   */
  logitsSplit(x: tf.Tensor2D, a: number, heads: [Head, Head]): [tf.Tensor2D, tf.Tensor2D] {
    const { features, upstream, seq } = this.backbone(x);
    const [l1, l2] = heads.map((h) => this.headLayer(h));
    const n = x.shape[0];
    // Rows per sample of the output: a head with its own pool (BERT's classifier) has one where the backbone has T.
    const sizes = (rows: number) => [(a * rows) / n, ((n - a) * rows) / n];
    if (l1 === l2) {
      const all = this.head(l1, features, upstream, seq);
      return tf.split(all, sizes(all.shape[0])) as [tf.Tensor2D, tf.Tensor2D];
    }
    const [f1, f2] = tf.split(features, sizes(features.shape[0])) as [tf.Tensor2D, tf.Tensor2D];
    return [this.head(l1, f1, upstream, { ...seq, n: a }), this.head(l2, f2, upstream, { ...seq, n: n - a })];
  }

  /** The weight the forward uses: a kernel with an adapter is W + scale·A·B (a new tensor), anything else the variable itself. */
  effectiveWeight(name: string): tf.Tensor {
    const layer = name.endsWith('/kernel') ? name.slice(0, -'/kernel'.length) : null;
    const adapter = layer ? this.adapters.get(layer) : undefined;
    const w = this.p(name);
    if (!adapter) return w;
    return tf.tidy(() => tf.add(w, tf.reshape(tf.mul(tf.matMul(adapter.a, adapter.b), adapter.scale), w.shape)));
  }

  /** Copies every weight to JS memory (a checkpoint), with unmerged adapters folded in, so it computes what the model computes. */
  snapshot(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const name of this.params.keys()) {
      const w = this.effectiveWeight(name);
      out.set(name, (w.dataSync() as Float32Array).slice());
      if (w !== this.params.get(name)) w.dispose();
    }
    return out;
  }

  /** Folds an adapter into its kernel (W ← W + scale·A·B) and removes it; the function the model computes is unchanged. */
  mergeAdapter(layer: string): void {
    const adapter = this.adapters.get(layer);
    if (!adapter) throw new Error(`Layer ${layer} has no adapter to merge`);
    const merged = this.effectiveWeight(`${layer}/kernel`);
    this.p(`${layer}/kernel`).assign(merged);
    tf.dispose([merged, adapter.a, adapter.b]);
    this.adapters.delete(layer);
  }

  /** Frees every weight and adapter. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    for (const a of this.adapters.values()) tf.dispose([a.a, a.b]);
    this.params.clear();
    this.adapters.clear();
  }
}
