import { describe, expect, it } from 'vitest';
import type { RunHeadline } from '../../src-shared/api';
import { digitsStudy, finetune } from './digits-study';

describe('LoRA on the real digits', () => {
  it('rank 1 forgets less than full-rank training of the same layers (Soutif et al.; Biderman et al.)', async () => {
    const { base, runs } = await digitsStudy({
      data: { useFraction: 0.3 },
      baseModel: { pretrain: { epochs: 4 } },
      methods: [
        { id: 'lora', params: { rank: 1, head: 'train' } },
        { id: 'lora', params: { rank: 1, head: 'train', full: true } },
      ],
      budget: { epochs: 3, evalsPerEpoch: 1 },
    });
    const headlines: RunHeadline[] = [];
    for (const config of runs) headlines.push((await finetune(config, base)).headline);
    const [rank1, fullRank] = headlines;
    console.log(JSON.stringify({ rank1, fullRank }));
    expect(fullRank.aPreBase - fullRank.aPre).toBeGreaterThan(0.05);
    expect(rank1.aPre).toBeGreaterThan(fullRank.aPre + 0.1);
    // Both learn the target; rank 1 less than full rank.
    expect(rank1.aTgt).toBeGreaterThan(rank1.aTgtBase + 0.1);
    expect(fullRank.aTgt).toBeGreaterThan(rank1.aTgt);
  });
});
