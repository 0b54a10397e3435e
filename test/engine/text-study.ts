import { studyConfigSchema, type RunConfig, type StudyConfigInput } from '../../src-shared/config';
import { selectBackend } from '../../src-main/engine/backend';
import { runPretrain } from '../../src-main/engine/jobs/pretrain';
import type { Checkpoint } from '../../src-shared/checkpoint';
import type { EngineEvent } from '../../src-main/engine/protocol';
import { resolveStudy } from '../../src-main/services/resolve-study';

/** A small seeded text study run in-process on wasm: the base model's tokenizer resolved as the host does, pretrained once. */
export async function textStudy(config: StudyConfigInput): Promise<{ base: Checkpoint; runs: RunConfig[]; pretrainEvents: EngineEvent[] }> {
  const study = studyConfigSchema.parse({ backend: 'wasm', ...config });
  await selectBackend('wasm');
  const {
    bases: [{ baseModel }],
    runs,
  } = resolveStudy(study);
  const events: EngineEvent[] = [];
  await runPretrain({ type: 'pretrain', runId: 'base', spec: baseModel, task: study.target.task, backend: 'wasm' }, (e) => events.push(e));
  const checkpoint = events.find((e) => e.type === 'checkpoint');
  if (!checkpoint) throw new Error(`pretraining failed: ${JSON.stringify(events.find((e) => e.type === 'error'))}`);
  return { base: checkpoint.checkpoint, runs, pretrainEvents: events };
}

/** A tiny language-model study: char-gpt pretrained on Moby Dick, fine-tuned on State of the Union addresses. */
export const TINY_TEXT_STUDY: StudyConfigInput = {
  name: 'tiny text study',
  baseModel: { recipe: 'char-gpt', pretrain: { epochs: 2, batchSize: 32, learningRate: 3e-3 } },
  data: { source: 'text', trainSequences: 256, evalSequences: 32 },
  target: { task: 'sotu' },
  methods: [{ id: 'vanilla' }],
  budget: { epochs: 2, batchSize: 32, learningRate: 3e-3, evalsPerEpoch: 2 },
};
