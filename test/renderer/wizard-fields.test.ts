import { describe, expect, it } from 'vitest';
import type { DataConfig } from '../../src-shared/config';
import { budgetSchema, digitsDataSchema, libraryDataSchema } from '../../src-shared/config';
import type { DatasetSummary } from '../../src-shared/datasets';
import { fieldRanges } from '../../src-shared/field-ranges';
import { RECIPE_CATALOG } from '../../src-main/engine/models/recipes';
import { parseNumberList } from '../../src-renderer/lib/number-list';
import { pretrainInputShape, recipeCard } from '../../src-renderer/lib/wizard/recipe-card';

const budget = fieldRanges(budgetSchema);

describe("the wizard's number lists", () => {
  it('read the seeds as typed, and say which entry is no seed', () => {
    expect(parseNumberList('0, 1,2 ,', budget.seeds)).toEqual({ values: [0, 1, 2] });
    expect(parseNumberList('0, 1, x', budget.seeds)).toEqual({ problem: '“x” is not an integer' });
    expect(parseNumberList('0, 1.5', budget.seeds)).toEqual({ problem: '“1.5” is not an integer' });
    expect(parseNumberList('0, -1', budget.seeds)).toEqual({ problem: '-1 must be at least 0' });
    expect(parseNumberList(' , ', budget.seeds)).toEqual({ problem: 'enter at least one number' });
  });
});

describe('the recipe cards of the wizard', () => {
  const mlp = RECIPE_CATALOG.find((r) => r.id === 'mlp')!;
  const cnn = RECIPE_CATALOG.find((r) => r.id === 'cnn')!;
  const table = { id: 'data-table', kind: 'tabular', shape: [1, 10, 1] } as DatasetSummary;
  const library = (pretrain: string): DataConfig => libraryDataSchema.parse({ source: 'library', pretrain });

  it('size the MLP from the chosen pretrain data: 784-256-256 on the digits, 10-256-256 on a table of 10 features', () => {
    const digits = recipeCard(mlp, pretrainInputShape(digitsDataSchema.parse({}), []));
    expect(digits.title).toBe('MLP 784-256-256');
    expect(digits.description).toMatch(/784 inputs, ≈267k parameters before the head/);
    const tabular = recipeCard(mlp, pretrainInputShape(library('data-table'), [table]));
    expect(tabular.title).toBe('MLP 10-256-256');
    expect(tabular.description).toMatch(/10 inputs, ≈69k parameters before the head/);
  });

  it('stay as declared where the input is not known yet or the recipe is no MLP', () => {
    expect(pretrainInputShape(library('data-elsewhere'), [table])).toBeNull();
    expect(recipeCard(mlp, null)).toEqual({ title: mlp.label, description: mlp.description });
    expect(recipeCard(cnn, [28, 28, 1])).toEqual({ title: cnn.label, description: cnn.description });
  });
});
