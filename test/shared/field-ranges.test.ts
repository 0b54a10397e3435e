import { describe, expect, it } from 'vitest';
import { budgetSchema, digitsDataSchema, pretrainBudgetSchema } from '../../src-shared/config';
import { fieldRanges, rangeProblem } from '../../src-shared/field-ranges';

describe('field ranges for the wizard, read from the config schemas', () => {
  it('gives each numeric field the limits its schema enforces, integers with step 1', () => {
    const budget = fieldRanges(budgetSchema);
    expect(budget.epochs).toEqual({ min: 1, max: 200, step: 1 });
    expect(budget.batchSize).toEqual({ min: 8, max: 2048, step: 1 });
    // learningRate is > 0 (exclusive) and ≤ 1; a number input can only say min 0, the range says 0 itself is refused.
    expect(budget.learningRate).toEqual({ min: 0, max: 1, step: 'any', exclusiveMin: true });
    expect(budget.seeds).toEqual({ min: 0, max: 2 ** 31 - 1, step: 1 });
    expect(fieldRanges(pretrainBudgetSchema).epochs.max).toBe(100);
    expect(fieldRanges(digitsDataSchema).pretrainShare).toEqual({ min: 0.2, max: 0.8, step: 'any' });
  });

  it('says why a value leaves its range, the exclusive limit of the learning rate included', () => {
    const budget = fieldRanges(budgetSchema);
    expect(rangeProblem(-1, budget.learningRate)).toBe('must be more than 0');
    expect(rangeProblem(0, budget.learningRate)).toBe('must be more than 0');
    expect(rangeProblem(1e-3, budget.learningRate)).toBeNull();
    expect(rangeProblem(1.5, budget.learningRate)).toBe('must be at most 1');
    expect(rangeProblem(2.5, budget.epochs)).toBe('must be a whole number');
    expect(rangeProblem(0, budget.epochs)).toBe('must be at least 1');
    expect(rangeProblem(null, budget.epochs)).toBe('enter a number');
    expect(rangeProblem(Number.NaN, budget.learningRate)).toBe('enter a number');
  });

  it('follows the schema: every limit a range reports is accepted and just beyond it refused', () => {
    const budget = fieldRanges(budgetSchema);
    for (const key of ['epochs', 'batchSize', 'evalsPerEpoch'] as const) {
      const { min, max } = budget[key];
      expect(budgetSchema.safeParse({ [key]: min }).success).toBe(true);
      expect(budgetSchema.safeParse({ [key]: max }).success).toBe(true);
      expect(budgetSchema.safeParse({ [key]: max! + 1 }).success).toBe(false);
      expect(budgetSchema.safeParse({ [key]: min! - 1 }).success).toBe(false);
    }
  });
});
