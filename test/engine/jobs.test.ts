import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { expandStudy, studyConfigSchema } from '../../src-shared/config';
import { selectBackend } from '../../src-main/engine/backend';
import { runPretrain } from '../../src-main/engine/jobs/pretrain';
import { runFinetune } from '../../src-main/engine/jobs/finetune';
import type { EngineEvent } from '../../src-main/engine/protocol';
import type { Checkpoint } from '../../src-shared/checkpoint';

function collect() {
  const events: EngineEvent[] = [];
  return { events, emit: (e: EngineEvent) => events.push(e) };
}

describe('pretrain and fine-tune jobs on the real digits', () => {
  it('pretraining learns the digits and vanilla fine-tuning on rotated digits forgets them; WiSE-FT lies between', async () => {
    await selectBackend('wasm');
    const study = studyConfigSchema.parse({
      data: { useFraction: 0.3 },
      baseModel: { pretrain: { epochs: 3 } },
      methods: [
        { id: 'vanilla' },
        { id: 'wiseft', params: { alphas: [0, 0.5, 1] } },
        { id: 'wiseft', params: { alphas: [0, 1], weighting: 'fisher', fisherSamples: 256 } },
      ],
      budget: { epochs: 2, evalsPerEpoch: 2 },
    });
    const {
      bases: [{ baseModel }],
      runs,
    } = expandStudy(study);
    const before = tf.memory().numTensors;
    const pre = collect();
    await runPretrain({ type: 'pretrain', runId: 'p', spec: baseModel, task: 'rotate90', backend: 'wasm' }, pre.emit);
    const ckpt = pre.events.find((e) => e.type === 'checkpoint') as { checkpoint: Checkpoint } | undefined;
    expect(ckpt).toBeDefined();
    const finals = pre.events.filter((e) => e.type === 'metrics').map((e) => (e as { point: { aPre: number } }).point.aPre);
    expect(finals.at(-1)!).toBeGreaterThan(0.85);

    const results = [];
    for (const config of runs) {
      const ft = collect();
      await runFinetune({ type: 'finetune', runId: 'f', config, base: ckpt!.checkpoint }, ft.emit);
      const err = ft.events.find((e) => e.type === 'error');
      expect(err).toBeUndefined();
      results.push(ft);
    }
    expect(tf.memory().numTensors).toBe(before);
    const head = (r: ReturnType<typeof collect>) =>
      (r.events.find((e) => e.type === 'result') as { headline: { aPre: number; aPreBase: number; aTgt: number; aTgtBase: number } }).headline;
    const vanilla = head(results[0]);
    expect(vanilla.aPreBase - vanilla.aPre).toBeGreaterThan(0.05);
    expect(vanilla.aTgt).toBeGreaterThan(vanilla.aTgtBase + 0.3);
    const sweep = results[1].events
      .filter((e) => e.type === 'metrics' && e.point.phase === 'sweep')
      .map((e) => (e as { point: { alpha: number; aPre: number } }).point);
    expect(sweep.map((p) => p.alpha)).toEqual([0, 0.5, 1]);
    expect(sweep[0].aPre).toBeCloseTo(vanilla.aPreBase, 6);
    expect(sweep[2].aPre).toBeCloseTo(vanilla.aPre, 6);
    const wise = head(results[1]);
    expect(wise.aPre).toBeGreaterThan(vanilla.aPre);
    // The Fisher-weighted merge also gives θ₀ at α = 0 and θ_ft at α = 1 exactly.
    const fisherSweep = results[2].events
      .filter((e) => e.type === 'metrics' && e.point.phase === 'sweep')
      .map((e) => (e as { point: { aPre: number; weightDistance: number } }).point);
    expect(fisherSweep[0].weightDistance).toBe(0);
    expect(fisherSweep[1].aPre).toBeCloseTo(vanilla.aPre, 6);
  });
});
