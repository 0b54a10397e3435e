import { describe, expect, it } from 'vitest';
import type { RunHeadline } from '../../src-shared/api';
import { expandStudy, studyConfigSchema, type BackendName } from '../../src-shared/config';
import { selectBackend } from '../../src-main/engine/backend';
import { runFinetune } from '../../src-main/engine/jobs/finetune';
import { runPretrain } from '../../src-main/engine/jobs/pretrain';
import type { Checkpoint } from '../../src-shared/checkpoint';
import type { EngineEvent } from '../../src-main/engine/protocol';

async function run(backend: BackendName, recipe: 'mlp' | 'cnn') {
  await selectBackend(backend);
  const study = studyConfigSchema.parse({
    data: { useFraction: 0.05 },
    baseModel: { recipe, pretrain: { epochs: 2 } },
    methods: [{ id: 'vanilla' }],
    budget: { epochs: 1, evalsPerEpoch: 1 },
    backend,
  });
  const {
    bases: [{ baseModel }],
    runs,
  } = expandStudy(study);
  const events: EngineEvent[] = [];
  await runPretrain({ type: 'pretrain', runId: 'p', spec: baseModel, task: 'rotate90', backend }, (e) => events.push(e));
  const base = (events.find((e) => e.type === 'checkpoint') as { checkpoint: Checkpoint }).checkpoint;
  await runFinetune({ type: 'finetune', runId: 'f', config: runs[0], base }, (e) => events.push(e));
  return { base, headline: (events.filter((e) => e.type === 'result').at(-1) as { headline: RunHeadline }).headline };
}

describe('the same seeded run gives the same result on wasm and cpu', () => {
  for (const recipe of ['mlp', 'cnn'] as const) {
    it(`${recipe}: pretrained weights and fine-tuning metrics agree to float tolerance`, async () => {
      const wasm = await run('wasm', recipe);
      const cpu = await run('cpu', recipe);
      const a = new Float32Array(wasm.base.data.buffer, wasm.base.data.byteOffset, wasm.base.data.byteLength / 4);
      const b = new Float32Array(cpu.base.data.buffer, cpu.base.data.byteOffset, cpu.base.data.byteLength / 4);
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
      expect(maxDiff).toBeLessThan(1e-3);
      // Accuracies may differ by a sample whose two top logits are within float error of each other.
      for (const key of ['aPreBase', 'aPre', 'aTgt'] as const) expect(Math.abs(wasm.headline[key] - cpu.headline[key]), key).toBeLessThan(0.01);
      expect(wasm.headline.weightDistance).toBeCloseTo(cpu.headline.weightDistance, 2);
    });
  }
});
