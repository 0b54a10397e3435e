import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig, StudyConfigInput } from '../../src-shared/config';
import { selectBackend } from '../../src-main/engine/backend';
import { runFinetune } from '../../src-main/engine/jobs/finetune';
import { METHODS } from '../../src-main/engine/methods/registry';
import type { Checkpoint } from '../../src-shared/checkpoint';
import type { EngineEvent } from '../../src-main/engine/protocol';
import { textStudy } from './text-study';

/** Parameters that make a method act on a transformer within a tiny run (the defaults suit the digits). */
const ON_TRANSFORMERS: Record<string, Record<string, unknown>> = {
  lora: { rank: 2, layers: 'attention' },
  ewc: { lambda: 1e3, fisherSamples: 32 },
  wiseft: { alphas: [0, 0.5, 1], weighting: 'fisher', fisherSamples: 32 },
  rehearsal: { memoryBatch: 8 },
  mixcd: { memoryBatch: 8 },
};

const STUDIES: { title: string; config: Omit<StudyConfigInput, 'methods'> }[] = [
  {
    title: 'character GPT, Moby Dick → speeches (loss)',
    config: {
      baseModel: { recipe: 'char-gpt', pretrain: { epochs: 1, batchSize: 16 } },
      data: { source: 'text', trainSequences: 64, evalSequences: 16 },
      target: { task: 'sotu' },
    },
  },
  {
    title: 'character encoder, early → later SpamAssassin mail (accuracy)',
    config: {
      baseModel: { recipe: 'char-encoder', pretrain: { epochs: 1, batchSize: 16 } },
      data: { source: 'text', trainSequences: 64, evalSequences: 16 },
      target: { task: 'spam-later' },
    },
  },
];

for (const { title, config } of STUDIES) {
  describe(`every method on a transformer: ${title}`, () => {
    let base: Checkpoint;
    let run: RunConfig;

    beforeAll(async () => {
      await selectBackend('wasm');
      const study = await textStudy({ ...config, methods: [{ id: 'vanilla' }], budget: { epochs: 2, batchSize: 16, evalsPerEpoch: 2 } });
      [base, run] = [study.base, study.runs[0]];
    });

    for (const method of METHODS) {
      it(`${method.id}: finite loss and headline, no leaked tensors`, async () => {
        if (method.id === 'mixcd' && run.metric === 'loss') {
          expect(method.validate!({}, { learningRate: 1e-3, objective: 'language-model', sequence: false, partners: [] })[0]).toMatch(
            /use random rehearsal for language models/,
          );
          return;
        }
        const events: EngineEvent[] = [];
        const before = tf.memory().numTensors;
        await runFinetune(
          { type: 'finetune', runId: method.id, config: { ...run, method: { id: method.id, params: ON_TRANSFORMERS[method.id] ?? {}, with: [] } }, base },
          (e) => events.push(e),
        );
        expect(events.find((e) => e.type === 'error')).toBeUndefined();
        expect(tf.memory().numTensors).toBe(before);
        const points = events.flatMap((e) => (e.type === 'metrics' ? [e.point] : []));
        for (const p of points.filter((p) => p.phase === 'train')) expect(Number.isFinite(p.loss), `loss at step ${p.step}`).toBe(true);
        const result = events.find((e) => e.type === 'result') as unknown as { headline: Record<string, number> };
        for (const key of ['aPre', 'aTgt', 'forgetting', 'targetGain', 'weightDistance', 'cdAbs'])
          expect(Number.isFinite(result.headline[key]), key).toBe(true);
      });
    }
  });
}
