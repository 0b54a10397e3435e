import { beforeAll, describe, expect, it } from 'vitest';
import { expandStudy, studyConfigSchema } from '../../src-shared/config';
import { selectBackend } from '../../src-main/engine/backend';
import { runFinetune } from '../../src-main/engine/jobs/finetune';
import { runPretrain } from '../../src-main/engine/jobs/pretrain';
import { decodeCheckpoint, type Checkpoint } from '../../src-main/engine/models/checkpoint';
import type { EngineEvent } from '../../src-main/engine/protocol';
import type { RunHeadline } from '../../src-shared/api';

// Small and seeded: the MLP pretrained on upright digits, fine-tuned on digits rotated by 90°.
const study = studyConfigSchema.parse({
  data: { useFraction: 0.3 },
  baseModel: { pretrain: { epochs: 2 } },
  methods: [{ id: 'vanilla' }],
  budget: { epochs: 3, evalsPerEpoch: 1, batchSize: 32 },
  backend: 'wasm',
});
const { baseModel, runs } = expandStudy(study);

async function finetune(base: Checkpoint, id: string, params: Record<string, unknown>): Promise<{ headline: RunHeadline; weights: Map<string, Float32Array> }> {
  const events: EngineEvent[] = [];
  await runFinetune({ type: 'finetune', runId: id, config: { ...runs[0], method: { id, params, with: [] } }, base }, (e) => events.push(e));
  const error = events.find((e) => e.type === 'error');
  if (error) throw new Error(JSON.stringify(error));
  const headline = (events.find((e) => e.type === 'result') as { headline: RunHeadline }).headline;
  const checkpoint = (events.find((e) => e.type === 'checkpoint') as { checkpoint: Checkpoint }).checkpoint;
  return { headline, weights: decodeCheckpoint(checkpoint) };
}

describe('penalty and freezing methods on the real digits (rotate90, MLP)', () => {
  let base: Checkpoint;

  beforeAll(async () => {
    await selectBackend('wasm');
    const events: EngineEvent[] = [];
    await runPretrain({ type: 'pretrain', runId: 'base', spec: baseModel, task: 'rotate90', backend: 'wasm' }, (e) => events.push(e));
    base = (events.find((e) => e.type === 'checkpoint') as { checkpoint: Checkpoint }).checkpoint;
  });

  it('a strong L2-to-pretrained penalty (α = 1) keeps ‖θ−θ₀‖ far below vanilla fine-tuning\u2019s', async () => {
    const vanilla = await finetune(base, 'vanilla', {});
    const l2 = await finetune(base, 'l2-sp', { alpha: 1 });
    console.log(JSON.stringify({ vanilla: vanilla.headline, l2: l2.headline }));
    expect(l2.headline.weightDistance).toBeLessThan(0.3 * vanilla.headline.weightDistance);
    expect(l2.headline.aPre).toBeGreaterThan(vanilla.headline.aPre);
  });

  it('freezing the first backbone layer leaves every frozen weight bit-identical to θ₀ while the rest trains', async () => {
    const theta0 = decodeCheckpoint(base);
    const { weights } = await finetune(base, 'linear-probe', { headOnly: false, freezeLayers: 1 });
    for (const name of ['dense1/kernel', 'dense1/bias']) expect(weights.get(name), name).toEqual(theta0.get(name));
    for (const name of ['dense2/kernel', 'head/kernel']) expect(weights.get(name), name).not.toEqual(theta0.get(name));
  });
});
