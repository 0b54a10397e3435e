import { describe, expect, it } from 'vitest';
import { sequenceForgetting } from '../../src-shared/sequence-metrics';

describe('forgetting over a sequence of tasks (methods.md §2)', () => {
  it('reproduces the worked example: Avalanche forgetting 0.30, BWT −0.30, Chaudhry forgetting 0.325', () => {
    const f = sequenceForgetting(
      [
        [0.9, 0.1, 0.05],
        [0.95, 0.85, 0.1],
        [0.6, 0.55, 0.88],
      ],
      'accuracy',
    );
    expect(f.avalanche[0]).toBeCloseTo(0.3, 12);
    expect(f.avalanche[1]).toBeCloseTo(0.3, 12);
    expect(f.avalancheMean).toBeCloseTo(0.3, 12);
    expect(f.bwt).toBeCloseTo(-0.3, 12);
    // Chaudhry: task 0 peaked at 0.95 after stage 1, so it forgot 0.35; task 1 forgot 0.30.
    expect(f.chaudhry[0]).toBeCloseTo(0.35, 12);
    expect(f.chaudhry[1]).toBeCloseTo(0.3, 12);
    expect(f.chaudhryMean).toBeCloseTo(0.325, 12);
  });

  it('for a loss (lower is better) a rise is forgetting: the same numbers with the signs turned', () => {
    // Losses that mirror the example: L = 1 − accuracy.
    const r = [
      [0.1, 0.9, 0.95],
      [0.05, 0.15, 0.9],
      [0.4, 0.45, 0.12],
    ];
    const f = sequenceForgetting(r, 'loss');
    expect(f.avalancheMean).toBeCloseTo(0.3, 12);
    expect(f.bwt).toBeCloseTo(-0.3, 12);
    expect(f.chaudhryMean).toBeCloseTo(0.325, 12);
  });

  it('refuses a matrix that is not square', () => {
    expect(() => sequenceForgetting([[1, 2]], 'accuracy')).toThrow(/square/);
  });
});
