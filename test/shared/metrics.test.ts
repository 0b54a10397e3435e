import { describe, expect, it } from 'vitest';
import { collateralDamage, combineDistances, retention } from '../../src-shared/metrics';

describe('collateral damage (methods.md §2)', () => {
  it('matches the worked example', () => {
    const cd = collateralDamage([1, 1, 1, 0, 0], [1, 0, 0, 1, 0], [0, 0, 1, 1, 2]);
    expect(cd.accBefore).toBeCloseTo(0.6);
    expect(cd.accAfter).toBeCloseTo(0.4);
    expect(cd.cdAbs).toBeCloseTo(2 / 5);
    expect(cd.gained / cd.n).toBeCloseTo(1 / 5);
    expect(cd.cdCond).toBeCloseTo(2 / 3);
    expect(cd.perClass).toEqual([
      { label: 0, n: 2, correctBefore: 2, damaged: 1, gained: 0 },
      { label: 1, n: 2, correctBefore: 1, damaged: 1, gained: 1 },
      { label: 2, n: 1, correctBefore: 0, damaged: 0, gained: 0 },
    ]);
  });

  it('satisfies A(θ_t) − A(θ₀) = (#gained − #CD)/N exactly on random correctness vectors', () => {
    let seed = 1;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rand() * 300);
      const c0 = Array.from({ length: n }, () => (rand() < 0.7 ? 1 : 0));
      const ct = Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0));
      const labels = Array.from({ length: n }, () => Math.floor(rand() * 10));
      const cd = collateralDamage(c0, ct, labels);
      expect((cd.accAfter - cd.accBefore) * n).toBeCloseTo(cd.gained - cd.damaged, 9);
      expect(cd.retained + cd.damaged + cd.gained + cd.neverLearned).toBe(n);
      expect(cd.perClass.reduce((s, c) => s + c.damaged, 0)).toBe(cd.damaged);
    }
  });

  it('rejects vectors of different lengths', () => {
    expect(() => collateralDamage([1], [1, 0], [0])).toThrow(/same length/);
  });
});

describe('retention and weight distance', () => {
  it('retention is the ratio of pretrain accuracies, undefined for a zero base', () => {
    expect(retention(0.8, 0.6)).toBeCloseTo(0.75);
    expect(retention(0, 0.5)).toBeNull();
  });

  it('combines per-tensor squared distances into L2 totals', () => {
    const { total, perLayer } = combineDistances([
      { name: 'a', sqDist: 9, sqNorm: 36 },
      { name: 'b', sqDist: 16, sqNorm: 64 },
    ]);
    expect(total.distance).toBeCloseTo(5);
    expect(total.relative).toBeCloseTo(0.5);
    expect(perLayer.map((l) => l.distance)).toEqual([3, 4]);
  });
});
