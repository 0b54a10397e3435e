import type { RecipeEntry } from '../../../src-shared/api';
import type { DataConfig } from '../../../src-shared/config';
import type { DatasetSummary } from '../../../src-shared/datasets';

// The built-in digits are 28×28 grey images (the engine's default input shape).
const DIGITS_SHAPE = [28, 28, 1] as const;

/** [height, width, channels] of one sample of the chosen pretrain data; null while unknown (no dataset chosen yet, texts). */
export function pretrainInputShape(data: { source: DataConfig['source']; pretrain?: string }, datasets: readonly DatasetSummary[]): readonly number[] | null {
  if (data.source === 'mnist-digits') return DIGITS_SHAPE;
  if (data.source !== 'library') return null;
  const shape = datasets.find((d) => d.id === data.pretrain)?.shape;
  return shape?.length ? shape : null;
}

/** "≈69k" for a parameter count. */
function approx(n: number): string {
  return n >= 10_000 ? `≈${Math.round(n / 1000)}k` : n.toLocaleString('en-US');
}

/** A recipe card's title and text for pretrain data of this input shape: an MLP's layer widths (and size) start at the data's input size. */
export function recipeCard(recipe: RecipeEntry, input: readonly number[] | null): { title: string; description: string } {
  if (!recipe.mlpHidden || !input) return { title: recipe.label, description: recipe.description };
  const widths = [input.reduce((a, b) => a * b, 1), ...recipe.mlpHidden];
  const params = widths.slice(1).reduce((sum, units, i) => sum + widths[i] * units + units, 0);
  return {
    title: `MLP ${widths.join('-')}`,
    description: `${recipe.description} On this data: ${widths[0]} inputs, ${approx(params)} parameters before the head.`,
  };
}
