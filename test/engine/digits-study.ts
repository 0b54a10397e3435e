import type { RunHeadline } from '../../src-shared/api';
import { expandStudy, studyConfigSchema, type RunConfig, type StudyConfigInput } from '../../src-shared/config';
import type { EvalPoint } from '../../src-shared/evaluation';
import { selectBackend } from '../../src-main/engine/backend';
import { runFinetune } from '../../src-main/engine/jobs/finetune';
import { runPretrain } from '../../src-main/engine/jobs/pretrain';
import type { Checkpoint } from '../../src-shared/checkpoint';
import type { EngineEvent } from '../../src-main/engine/protocol';

/** A small seeded study on the real digits, run in-process on wasm: pretrain once, then fine-tune each run config. */
export async function digitsStudy(config: StudyConfigInput): Promise<{ base: Checkpoint; runs: RunConfig[] }> {
  const study = studyConfigSchema.parse({ backend: 'wasm', ...config });
  await selectBackend(study.backend === 'auto' ? 'wasm' : study.backend);
  const {
    bases: [{ baseModel }],
    runs,
  } = expandStudy(study);
  const events: EngineEvent[] = [];
  await runPretrain({ type: 'pretrain', runId: 'base', spec: baseModel, task: study.target.task, backend: study.backend }, (e) => events.push(e));
  const checkpoint = events.find((e) => e.type === 'checkpoint');
  if (!checkpoint) throw new Error(`pretraining failed: ${JSON.stringify(events.find((e) => e.type === 'error'))}`);
  return { base: checkpoint.checkpoint, runs };
}

/** What one in-process fine-tuning run produced. */
export interface FinetuneOutcome {
  events: EngineEvent[];
  headline: RunHeadline;
  checkpoint: Checkpoint;
  points: EvalPoint[];
}

/** Fine-tunes one run config in-process; an engine error fails the test with its message. */
export async function finetune(config: RunConfig, base: Checkpoint): Promise<FinetuneOutcome> {
  const events: EngineEvent[] = [];
  await runFinetune({ type: 'finetune', runId: config.method.id, config, base }, (e) => events.push(e));
  const error = events.find((e) => e.type === 'error');
  if (error) throw new Error(`fine-tuning ${config.method.id} failed: ${error.message}`);
  const result = events.find((e) => e.type === 'result');
  const checkpoint = events.find((e) => e.type === 'checkpoint');
  return {
    events,
    headline: result!.headline!,
    checkpoint: checkpoint!.checkpoint,
    points: events.flatMap((e) => (e.type === 'metrics' ? [e.point] : [])),
  };
}
