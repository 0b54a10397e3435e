import { describe, expect, it } from 'vitest';
import type { RunHeadline } from '../../src-shared/api';
import { expandStudy, studyConfigSchema } from '../../src-shared/config';
import { selectBackend } from '../../src-main/engine/backend';
import { runFinetune } from '../../src-main/engine/jobs/finetune';
import { runPretrain } from '../../src-main/engine/jobs/pretrain';
import type { Checkpoint } from '../../src-main/engine/models/checkpoint';
import type { EngineEvent } from '../../src-main/engine/protocol';

describe('LoRA on the real digits', () => {
  it('rank 1 forgets less than full-rank training of the same layers (Soutif et al.; Biderman et al.)', async () => {
    await selectBackend('wasm');
    const study = studyConfigSchema.parse({
      data: { useFraction: 0.3 },
      baseModel: { pretrain: { epochs: 4 } },
      methods: [
        { id: 'lora', params: { rank: 1, head: 'train' } },
        { id: 'lora', params: { rank: 1, head: 'train', full: true } },
      ],
      budget: { epochs: 3, evalsPerEpoch: 1 },
      backend: 'wasm',
    });
    const { baseModel, runs } = expandStudy(study);
    const pre: EngineEvent[] = [];
    await runPretrain({ type: 'pretrain', runId: 'base', spec: baseModel, task: 'rotate90', backend: 'wasm' }, (e) => pre.push(e));
    const base = (pre.find((e) => e.type === 'checkpoint') as { checkpoint: Checkpoint }).checkpoint;
    const headlines: RunHeadline[] = [];
    for (const config of runs) {
      const events: EngineEvent[] = [];
      await runFinetune({ type: 'finetune', runId: config.method.id, config, base }, (e) => events.push(e));
      expect(events.find((e) => e.type === 'error')).toBeUndefined();
      headlines.push((events.find((e) => e.type === 'result') as { headline: RunHeadline }).headline);
    }
    const [rank1, fullRank] = headlines;
    console.log(JSON.stringify({ rank1, fullRank }));
    expect(fullRank.aPreBase - fullRank.aPre).toBeGreaterThan(0.05);
    expect(rank1.aPre).toBeGreaterThan(fullRank.aPre + 0.1);
    // Both learn the target; rank 1 less than full rank.
    expect(rank1.aTgt).toBeGreaterThan(rank1.aTgtBase + 0.1);
    expect(fullRank.aTgt).toBeGreaterThan(rank1.aTgt);
  });
});
