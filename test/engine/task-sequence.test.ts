import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { sequenceForgetting } from '../../src-shared/sequence-metrics';
import { digitsStudy, finetune } from './digits-study';
import { textStudy } from './text-study';

describe('sequences of tasks: the matrix R[i][j], forgetting and BWT (methods.md §2)', () => {
  it('digits, rotated then permuted: vanilla and LoRA with a fresh adapter per task, merged after it', async () => {
    const { base, runs } = await digitsStudy({
      data: { useFraction: 0.2 },
      baseModel: { pretrain: { epochs: 2 } },
      target: { task: 'rotate90', then: ['permuted'] },
      methods: [{ id: 'vanilla' }, { id: 'lora', params: { rank: 16 } }],
      budget: { epochs: 2, evalsPerEpoch: 1, learningRate: 3e-3 },
    });
    const before = tf.memory().numTensors;
    for (const run of runs) {
      const { headline: h, points } = await finetune(run, base);
      const seq = h.sequence!;
      expect(seq.tasks).toEqual(['pretrain (digits 0-9)', 'rotate90', 'permuted']);
      expect(seq.matrix).toHaveLength(3);
      const r = seq.matrix;
      // Stage 0 is θ₀; the last stage is the final model.
      expect(r[0][0]).toBeCloseTo(h.aPreBase, 12);
      expect(r[2][0]).toBeCloseTo(h.aPre, 12);
      expect(r[0][2]).toBeCloseTo(h.aTgtBase, 12);
      expect(r[2][2]).toBeCloseTo(h.aTgt, 12);
      // Each task is learned in its stage: rotated digits after stage 1, permuted after stage 2.
      expect(r[1][1]).toBeGreaterThan(r[0][1] + 0.1);
      expect(r[2][2]).toBeGreaterThan(r[1][2] + 0.1);
      expect(seq).toMatchObject(sequenceForgetting(r, 'accuracy'));
      expect(seq.bwt).toBeCloseTo(-(r[0][0] - r[2][0] + (r[1][1] - r[2][1])) / 2, 12);
      // Evaluation points continue their step count across stages and say which stage they belong to.
      const stages = points.filter((p) => p.phase === 'train').map((p) => [p.extras.stage, p.step]);
      expect(stages.map(([stage]) => stage)).toEqual([1, 1, 2, 2]);
      expect(stages.map(([, step]) => step)).toEqual([...stages.map(([, step]) => step)].sort((a, b) => (a as number) - (b as number)));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('text, Moby Dick → 19th-century → modern addresses: a loss matrix where a rise is forgetting', async () => {
    const { base, runs } = await textStudy({
      baseModel: { recipe: 'char-gpt', pretrain: { epochs: 2, batchSize: 32, learningRate: 3e-3 } },
      data: { source: 'text', trainSequences: 128, evalSequences: 16 },
      target: { task: 'sotu-early', then: ['sotu-late'] },
      methods: [{ id: 'lora', params: { rank: 2, layers: 'attention', head: 'frozen' } }],
      budget: { epochs: 1, batchSize: 32, learningRate: 3e-3, evalsPerEpoch: 1 },
    });
    const { headline: h } = await finetune(runs[0], base);
    const seq = h.sequence!;
    expect(seq.tasks).toEqual(['pretrain (Moby Dick)', 'sotu-early', 'sotu-late']);
    const r = seq.matrix;
    // Fine-tuning on a task lowers its loss.
    expect(r[1][1]).toBeLessThan(r[0][1]);
    expect(r[2][2]).toBeLessThan(r[1][2]);
    expect(seq.avalanche[0]).toBeCloseTo(r[2][0] - r[0][0], 12);
    expect(seq.avalanche[1]).toBeCloseTo(r[2][1] - r[1][1], 12);
    expect(seq.bwt).toBeCloseTo(-(seq.avalanche[0] + seq.avalanche[1]) / 2, 12);
  });
});
