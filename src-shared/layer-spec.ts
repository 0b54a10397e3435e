// Layer specs describe a model as JSON: the engine builds from them and the store keeps an imported
// model's (db/imported-models.ts), so the types sit below both.
import type { GraphSpec } from './graph-spec';

/**
 * One layer of a built-in model. Kernel layers name their weights `<layer>/kernel` and
 * `<layer>/bias`; a transformer block names its own kernel layers inside it (`<block>/attn/q`, …).
 */
export type LayerSpec =
  | { kind: 'dense'; name: string; units: number; activation: DenseActivation }
  | { kind: 'conv'; name: string; filters: number; kernel: number; stride: number; activation: 'relu' }
  | { kind: 'flatten'; name: string }
  /**
   * Token ids (float32 [n, T]) → token + learned position embeddings, one row per position [n·T, dim].
   * `positions`: rows of the position table when it is longer than the context (a checkpoint's); `typeVocab`:
   * a token-type (segment) table added too (BERT; type 0 unless the input gives types); `padToken`: keys
   * holding this id are masked in attention when the input gives no attention mask.
   */
  | { kind: 'embedding'; name: string; vocab: number; dim: number; positions?: number; typeVocab?: number; padToken?: number }
  /**
   * A transformer block over [n·T, d]: pre-LN (default) x + attn(LN(x)), then x + mlp(LN(x)); post-LN
   * (BERT) LN(x + attn(x)), then LN(h + mlp(h)). The MLP is d → `hidden` (default d·mlpRatio) → d with
   * `activation` (default ReLU); layer norms use `eps` (default 1e-5).
   */
  | {
      kind: 'block';
      name: string;
      heads: number;
      mlpRatio: number;
      causal: boolean;
      norm?: 'pre' | 'post';
      activation?: MlpActivation;
      eps?: number;
      hidden?: number;
    }
  /** Layer normalisation over the features of each row, with `eps` (default 1e-5). */
  | { kind: 'norm'; name: string; eps?: number }
  /** Positions of each sequence to one row: [n·T, d] → [n, d], their mean (default) or the first token's row (BERT's [CLS]). */
  | { kind: 'pool'; name: string; mode?: 'mean' | 'first' }
  /**
   * An imported functional model's body (branches, batch norm, …) up to its head's input. Batch
   * norm keeps its moving statistics frozen unless `batchNorm` is 'update' (then a training step
   * normalises with the batch's statistics and updates them, as Keras' training=True does).
   */
  | { kind: 'graph'; name: string; graph: GraphSpec; batchNorm?: 'frozen' | 'update' };

/** A transformer MLP's activation: ReLU, exact GELU (BERT) or GELU's tanh approximation (GPT-2's gelu_new). */
export type MlpActivation = 'relu' | 'gelu' | 'gelu_new';

/** A dense layer's activation. */
export type DenseActivation = MlpActivation | 'linear' | 'tanh';

/**
 * How a head differs from a plain `<head>/kernel` + `<head>/bias` on the backbone's features: layers
 * run first (named freely; under `head/…` they count as the head's weights, elsewhere as the backbone's),
 * and a tied head multiplies by the transpose of a backbone weight (a language model's token table).
 */
export interface HeadSpec {
  layers?: LayerSpec[];
  /** Engine name of the [classes, features] weight whose transpose is the kernel (no `<head>/kernel` then). */
  tied?: string;
  /** Whether the head adds `<head>/bias` (default true). */
  bias?: boolean;
}

/** Heads that differ from a plain dense layer on the backbone's features (e.g. BERT: a masked-LM head per position, a classifier on the pooled [CLS]). */
export interface HeadSpecs {
  pretrain?: HeadSpec;
  target?: HeadSpec;
}

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
  /** Heads that are not a plain dense layer on the features (Hugging Face checkpoints). */
  heads?: HeadSpecs;
}
