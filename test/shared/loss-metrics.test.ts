import { describe, expect, it } from 'vitest';
import { headlineDeltas, lossDamage } from '../../src-shared/metrics';

describe('metrics for loss (lower is better)', () => {
  it('per-sequence collateral damage: rose by more than the threshold is damaged, fell by more is gained', () => {
    const d = lossDamage([2, 2, 2, 2, 2], [2.5, 2.05, 1.8, 2.11, 2], 0.1);
    expect(d.damaged).toBe(2);
    expect(d.gained).toBe(1);
    expect(d.cdAbs).toBeCloseTo(0.4, 12);
    expect(d.cdCond).toBeCloseTo(0.4, 12);
    expect(d.gainedAbs).toBeCloseTo(0.2, 12);
    expect(d.lossBefore).toBeCloseTo(2, 12);
    expect(d.lossAfter).toBeCloseTo(10.46 / 5, 12);
  });

  it('headline deltas read the same for both metrics: forgetting > 0 is worse on pretrain data, gain > 0 better on the target', () => {
    expect(headlineDeltas('accuracy', { aPre: 0.9, aTgt: 0.2 }, { aPre: 0.6, aTgt: 0.8 })).toEqual({
      retention: 0.6 / 0.9,
      forgetting: 0.9 - 0.6,
      targetGain: 0.8 - 0.2,
    });
    const loss = headlineDeltas('loss', { aPre: 1.5, aTgt: 2.5 }, { aPre: 2, aTgt: 1.75 });
    expect(loss.forgetting).toBeCloseTo(0.5, 12);
    expect(loss.targetGain).toBeCloseTo(0.75, 12);
    expect(loss.retention).toBeCloseTo(0.75, 12);
  });
});
