/** One layer of a built-in model; weights are named `<layer>/kernel` and `<layer>/bias`. */
export type LayerSpec =
  | { kind: 'dense'; name: string; units: number; activation: 'relu' | 'linear' }
  | { kind: 'conv'; name: string; filters: number; kernel: number; stride: number; activation: 'relu' }
  | { kind: 'flatten'; name: string };

/** The shape of a model: input, backbone layers and the width of each head. */
export interface ModelSpec {
  recipe: string;
  inputShape: [number, number, number];
  backbone: LayerSpec[];
  /** Units of the pretrain head. */
  pretrainClasses: number;
  /** Units of a new target head, or null when the target reuses the pretrain head. */
  targetClasses: number | null;
}

/** The pretrain head's layer name. */
export const PRETRAIN_HEAD = 'head';
/** A new target head's layer name. */
export const TARGET_HEAD = 'target_head';
