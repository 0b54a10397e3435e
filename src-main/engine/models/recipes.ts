import type { RecipeEntry } from '../../../src-shared/api';
import type { LayerSpec } from '../../../src-shared/layer-spec';

/** Built-in image recipes: their backbones (the heads are added per study). */
export const RECIPE_BACKBONES: Record<string, LayerSpec[]> = {
  mlp: [
    { kind: 'flatten', name: 'flatten' },
    { kind: 'dense', name: 'dense1', units: 256, activation: 'relu' },
    { kind: 'dense', name: 'dense2', units: 256, activation: 'relu' },
  ],
  cnn: [
    { kind: 'conv', name: 'conv1', filters: 16, kernel: 5, stride: 2, activation: 'relu' },
    { kind: 'conv', name: 'conv2', filters: 32, kernel: 3, stride: 2, activation: 'relu' },
    { kind: 'flatten', name: 'flatten' },
    { kind: 'dense', name: 'dense1', units: 128, activation: 'relu' },
  ],
};

/** The shape of a built-in transformer; its vocabulary comes from the base model's tokenizer. */
export interface TransformerRecipe {
  /** decoder: causal, a language-model head at every position; encoder: bidirectional, mean-pooled, a classifier head. */
  role: 'decoder' | 'encoder';
  /** Context length T in tokens. */
  context: number;
  dim: number;
  blocks: number;
  heads: number;
  mlpRatio: number;
}

/** Built-in transformer recipes. */
export const TRANSFORMER_RECIPES: Record<string, TransformerRecipe> = {
  'char-gpt': { role: 'decoder', context: 64, dim: 64, blocks: 2, heads: 4, mlpRatio: 4 },
  'char-encoder': { role: 'encoder', context: 128, dim: 64, blocks: 2, heads: 4, mlpRatio: 4 },
};

/** The backbone of a transformer recipe over a vocabulary of `vocab` tokens. */
export function transformerBackbone(recipe: TransformerRecipe, vocab: number): LayerSpec[] {
  const causal = recipe.role === 'decoder';
  return [
    { kind: 'embedding', name: 'embed', vocab, dim: recipe.dim },
    ...Array.from({ length: recipe.blocks }, (_, i): LayerSpec => ({
      kind: 'block',
      name: `block${i + 1}`,
      heads: recipe.heads,
      mlpRatio: recipe.mlpRatio,
      causal,
    })),
    { kind: 'norm', name: 'ln_f' },
    ...(causal ? [] : [{ kind: 'pool', name: 'pool' } as LayerSpec]),
  ];
}

/** How the wizard presents the recipes. */
export const RECIPE_CATALOG: RecipeEntry[] = [
  {
    id: 'mlp',
    label: 'MLP 784-256-256',
    description: 'Two hidden layers of 256 ReLU units; the model of the calibration in docs/methods.md §4.',
    mlpHidden: RECIPE_BACKBONES.mlp.flatMap((l) => (l.kind === 'dense' ? [l.units] : [])),
  },
  { id: 'cnn', label: 'Small CNN', description: 'conv 5×5/2 ×16 → conv 3×3/2 ×32 → dense 128, ReLU (≈110k parameters).' },
  {
    id: 'char-gpt',
    label: 'Character GPT (text)',
    description:
      'Decoder-only language model over characters: context 64, width 64, 2 pre-LN blocks of 4 heads with separate q, k, v, o projections and a 4× ReLU MLP (≈115k parameters). Measured by mean token loss.',
  },
  {
    id: 'char-encoder',
    label: 'Character encoder (text classifier)',
    description:
      'Bidirectional encoder over characters: context 128, width 64, 2 pre-LN blocks of 4 heads, mean-pooled into a classifier head (≈115k parameters).',
  },
];
