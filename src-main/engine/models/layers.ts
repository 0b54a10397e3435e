import type { HeadSpecs, LayerSpec } from '../../../src-shared/layer-spec';
import type { WeightInit } from '../../../src-shared/weight-init';
import { graphKernelKinds } from './graph-weights';

/** The shape of a model: input, backbone layers and the width of each head. */
export interface ModelSpec {
  recipe: string;
  /** [height, width, channels] of an image; [T, 1, 1] for a sequence of T token ids. */
  inputShape: [number, number, number];
  backbone: LayerSpec[];
  /** Units of the pretrain head (the vocabulary size for a language model's per-position head). */
  pretrainClasses: number;
  /** Units of a new target head, or null when the target reuses the pretrain head. */
  targetClasses: number | null;
  /** How fresh kernels and biases are drawn; absent: Glorot. */
  init?: WeightInit;
  /** Heads that are not a plain dense layer on the backbone's features (absent for the built-in recipes). */
  heads?: HeadSpecs;
}

/** What a kernel layer is, for choosing which layers LoRA adapts. */
export type KernelKind = 'dense' | 'conv' | 'attention' | 'mlp';

/** The pretrain head's layer name. */
export const PRETRAIN_HEAD = 'head';
/** A new target head's layer name. */
export const TARGET_HEAD = 'target_head';

/** The four attention projections of a block, each a kernel layer of its own (so LoRA can adapt each). */
export const ATTENTION_PROJECTIONS = ['q', 'k', 'v', 'o'] as const;

/** The kernel layers of a transformer block with their kinds, in forward order. */
export function blockKernelLayers(block: string): [string, KernelKind][] {
  return [
    ...ATTENTION_PROJECTIONS.map((p): [string, KernelKind] => [`${block}/attn/${p}`, 'attention']),
    [`${block}/mlp/fc1`, 'mlp'],
    [`${block}/mlp/fc2`, 'mlp'],
  ];
}

/** Every backbone kernel layer of a spec with its kind, in forward order (the heads are not included). */
export function backboneKernelKinds(spec: ModelSpec): Map<string, KernelKind> {
  const out = new Map<string, KernelKind>();
  for (const layer of spec.backbone) {
    if (layer.kind === 'dense' || layer.kind === 'conv') out.set(layer.name, layer.kind);
    else if (layer.kind === 'block') for (const [name, kind] of blockKernelLayers(layer.name)) out.set(name, kind);
    else if (layer.kind === 'graph') for (const [name, kind] of graphKernelKinds(layer.graph)) out.set(name, kind);
  }
  return out;
}

/** True when the model reads token sequences (its output rows are positions until a pool). */
export function isSequenceModel(spec: ModelSpec): boolean {
  return spec.backbone[0]?.kind === 'embedding';
}
