import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../src-main/engine/models/checkpoint';
import { digitsStudy, finetune } from './digits-study';

describe('WiSE-FT with a new target head (methods.md §3.8)', () => {
  it('interpolates the backbone only: at α = 0 the backbone is θ₀ while the heads keep their fine-tuned weights', async () => {
    // Rehearsal trains the pretrain head too, so "backbone only" is visible in it.
    const { base, runs } = await digitsStudy({
      data: { useFraction: 0.1 },
      baseModel: { pretrain: { epochs: 1 } },
      target: { task: 'new-classes' },
      methods: [{ id: 'rehearsal', with: [{ id: 'wiseft', params: { alphas: [0], reportAlpha: 0 } }] }],
      budget: { epochs: 1, evalsPerEpoch: 1 },
    });
    const theta0 = decodeCheckpoint(base);
    const merged = decodeCheckpoint((await finetune(runs[0], base)).checkpoint);
    for (const name of ['dense1/kernel', 'dense1/bias', 'dense2/kernel', 'dense2/bias']) expect(merged.get(name), name).toEqual(theta0.get(name));
    expect(merged.get('head/kernel')).not.toEqual(theta0.get('head/kernel'));
    expect(merged.has('target_head/kernel')).toBe(true);
  });
});
