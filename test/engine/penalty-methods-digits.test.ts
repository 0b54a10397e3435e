import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src-shared/config';
import type { Checkpoint } from '../../src-shared/checkpoint';
import { decodeCheckpoint } from '../../src-main/engine/models/checkpoint';
import { digitsStudy, finetune } from './digits-study';

describe('penalty and freezing methods on the real digits (rotate90, MLP)', () => {
  let base: Checkpoint;
  let config: RunConfig;
  const run = async (id: string, params: Record<string, unknown>) => {
    const outcome = await finetune({ ...config, method: { id, params, with: [] } }, base);
    return { headline: outcome.headline, weights: decodeCheckpoint(outcome.checkpoint) };
  };

  // Small and seeded: the MLP pretrained on upright digits, fine-tuned on digits rotated by 90°.
  beforeAll(async () => {
    const study = await digitsStudy({
      data: { useFraction: 0.3 },
      baseModel: { pretrain: { epochs: 2 } },
      methods: [{ id: 'vanilla' }],
      budget: { epochs: 3, evalsPerEpoch: 1, batchSize: 32 },
    });
    [base, config] = [study.base, study.runs[0]];
  });

  it('a strong L2-to-pretrained penalty (α = 1) keeps ‖θ−θ₀‖ far below vanilla fine-tuning\u2019s', async () => {
    const vanilla = await run('vanilla', {});
    const l2 = await run('l2-sp', { alpha: 1 });
    console.log(JSON.stringify({ vanilla: vanilla.headline, l2: l2.headline }));
    expect(l2.headline.weightDistance).toBeLessThan(0.3 * vanilla.headline.weightDistance);
    expect(l2.headline.aPre).toBeGreaterThan(vanilla.headline.aPre);
  });

  it('freezing the first backbone layer leaves every frozen weight bit-identical to θ₀ while the rest trains', async () => {
    const theta0 = decodeCheckpoint(base);
    const { weights } = await run('linear-probe', { headOnly: false, freezeLayers: 1 });
    for (const name of ['dense1/kernel', 'dense1/bias']) expect(weights.get(name), name).toEqual(theta0.get(name));
    for (const name of ['dense2/kernel', 'head/kernel']) expect(weights.get(name), name).not.toEqual(theta0.get(name));
  });
});
