import { describe, expect, it } from 'vitest';
import { groupBySeed, seedGroupKey, seedStat, tCritical95 } from '../../src-shared/aggregate';

describe('seed aggregation', () => {
  it('gives mean, sample std and the 95% t-interval of three seeds as computed by hand', () => {
    // mean 0.82; squared deviations 0.0004 + 0.0004 + 0 = 0.0008; var = 0.0008/2 = 0.0004; std = 0.02;
    // half-width = t(0.975, 2) · 0.02/√3 = 4.302653 · 0.0115470 = 0.0496827.
    const s = seedStat([0.8, 0.84, 0.82])!;
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(0.82, 12);
    expect(s.std).toBeCloseTo(0.02, 12);
    expect(s.ci95![0]).toBeCloseTo(0.770317, 6);
    expect(s.ci95![1]).toBeCloseTo(0.869683, 6);
  });

  it('gives the interval of five seeds with four degrees of freedom', () => {
    // 1..5: mean 3, var 10/4 = 2.5, std 1.5811388; half = 2.776445 · 1.5811388/√5 = 1.9632432.
    const s = seedStat([1, 2, 3, 4, 5])!;
    expect(s.std).toBeCloseTo(1.5811388, 6);
    expect(s.ci95![0]).toBeCloseTo(3 - 1.9632432, 6);
    expect(s.ci95![1]).toBeCloseTo(3 + 1.9632432, 6);
  });

  it('reports no spread for one seed and nothing for no finite value', () => {
    expect(seedStat([0.5])).toEqual({ n: 1, mean: 0.5, std: null, ci95: null });
    expect(seedStat([null, NaN, undefined])).toBeNull();
    expect(seedStat([0.5, null, 0.7])!.n).toBe(2);
  });

  it('uses the tabled t quantiles and approximates large degrees of freedom within 1e-3', () => {
    expect(tCritical95(1)).toBeCloseTo(12.706205, 6);
    expect(tCritical95(30)).toBeCloseTo(2.042272, 6);
    expect(Math.abs(tCritical95(40) - 2.021075)).toBeLessThan(1e-3);
    expect(Math.abs(tCritical95(120) - 1.97993)).toBeLessThan(1e-3);
    expect(() => tCritical95(0)).toThrow(/positive integer/);
  });

  it('groups runs whose configs differ only by seed (or study name), whatever the key order', () => {
    const cfg = (seed: number, lr: number, name = 's') => ({
      studyName: name,
      seed,
      budget: { learningRate: lr, epochs: 1 },
      method: { id: 'vanilla', params: {} },
    });
    const reordered = { method: { params: {}, id: 'vanilla' }, budget: { epochs: 1, learningRate: 0.001 }, seed: 9, studyName: 'other' };
    expect(seedGroupKey(cfg(0, 0.001))).toBe(seedGroupKey(reordered));
    expect(seedGroupKey(cfg(0, 0.001))).not.toBe(seedGroupKey(cfg(0, 0.01)));

    const runs = [
      { id: 'a', seed: 0, config: cfg(0, 0.001), headline: { aPre: 0.8, retention: 0.9, aTgtBaseIsProbe: false } },
      { id: 'b', seed: 0, config: cfg(0, 0.01), headline: { aPre: 0.5, retention: 0.6, aTgtBaseIsProbe: false } },
      { id: 'c', seed: 1, config: cfg(1, 0.001), headline: { aPre: 0.84, retention: null, aTgtBaseIsProbe: false } },
      { id: 'd', seed: 2, config: cfg(2, 0.001), headline: { aPre: 0.82, retention: 0.92, aTgtBaseIsProbe: false } },
    ];
    const groups = groupBySeed(runs);
    expect(groups.map((g) => g.runs.map((r) => r.id))).toEqual([['a', 'c', 'd'], ['b']]);
    expect(groups[0].seeds).toEqual([0, 1, 2]);
    expect(groups[0].metrics.aPre.mean).toBeCloseTo(0.82, 12);
    expect(groups[0].metrics.aPre.std).toBeCloseTo(0.02, 12);
    // A run without a value for a metric does not count towards it; booleans are not metrics.
    expect(groups[0].metrics.retention.n).toBe(2);
    expect(groups[0].metrics.aTgtBaseIsProbe).toBeUndefined();
    expect(groups[1].metrics.aPre).toEqual({ n: 1, mean: 0.5, std: null, ci95: null });
  });

  it('keeps every run whose stored config is unreadable in a group of its own', () => {
    const runs = [
      { id: 'lora', seed: 0, config: null, headline: null },
      { id: 'ewc', seed: 0, config: null, headline: null },
    ];
    expect(groupBySeed(runs).map((g) => g.runs.map((r) => r.id))).toEqual([['lora'], ['ewc']]);
  });
});
