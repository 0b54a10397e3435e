// Layer specs describe a model as JSON: the engine builds from them and the store keeps an imported
// model's (db/imported-models.ts), so the types sit below both.
import type { GraphSpec } from './graph-spec';

/**
 * One layer of a built-in model. Kernel layers name their weights `<layer>/kernel` and
 * `<layer>/bias`; a transformer block names its own kernel layers inside it (`<block>/attn/q`, …).
 */
export type LayerSpec =
  | { kind: 'dense'; name: string; units: number; activation: 'relu' | 'linear' }
  | { kind: 'conv'; name: string; filters: number; kernel: number; stride: number; activation: 'relu' }
  | { kind: 'flatten'; name: string }
  /** Token ids (float32 [n, T]) → token + learned position embeddings, one row per position [n·T, dim]. */
  | { kind: 'embedding'; name: string; vocab: number; dim: number }
  /** A pre-LN transformer block over [n·T, d]: x + attn(LN(x)), then x + mlp(LN(x)). */
  | { kind: 'block'; name: string; heads: number; mlpRatio: number; causal: boolean }
  /** Layer normalisation over the features of each row. */
  | { kind: 'norm'; name: string }
  /** Mean over the positions of each sequence: [n·T, d] → [n, d] (the encoder classifier's pooling). */
  | { kind: 'pool'; name: string }
  /**
   * An imported functional model's body (branches, batch norm, …) up to its head's input. Batch
   * norm keeps its moving statistics frozen unless `batchNorm` is 'update' (then a training step
   * normalises with the batch's statistics and updates them, as Keras' training=True does).
   */
  | { kind: 'graph'; name: string; graph: GraphSpec; batchNorm?: 'frozen' | 'update' };

/**
 * How the engine can run an imported model: its layers as the engine's LayerSpecs (weights named
 * `<layer>/kernel`, `<layer>/bias`, the head's as `head/…` like a built-in model's pretrain head).
 */
export interface ImportedEngineSpec {
  /** [height, width, channels]; a flat input of f features is [1, f, 1] behind a leading flatten. */
  inputShape: [number, number, number];
  backbone: LayerSpec[];
  /** Units of the head (the pretrain classes). */
  headUnits: number;
  /** Engine names of weights the original model had frozen (trainable: false). */
  frozen: string[];
}
