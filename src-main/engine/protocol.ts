import type { RunHeadline, RunProgress } from '../../src-shared/api';
import type { BackendName, BaseModelSpec, RunConfig } from '../../src-shared/config';
import type { EvalPoint } from '../../src-shared/evaluation';
import type { Checkpoint, CheckpointEvery, ResumePoint } from '../../src-shared/checkpoint';

export type { CheckpointEvery, ResumePoint };

/** What every job carries besides its work: where to resume from, and how often to save. */
interface JobCommon {
  runId: string;
  /** Continue from this point instead of from the start. */
  resume?: ResumePoint;
  /** Omitted: no resume points are saved. */
  checkpointEvery?: CheckpointEvery;
  /** Library data, or an imported checkpoint's tokenizer: the store file the engine reads them from (read-only). */
  store?: string;
}

/** Pretrain a base model on the pretrain split. */
export interface PretrainJob extends JobCommon {
  type: 'pretrain';
  spec: BaseModelSpec;
  task: RunConfig['target']['task'];
  backend: BackendName | 'auto';
}

/** Fine-tune a base model with one method. */
export interface FinetuneJob extends JobCommon {
  type: 'finetune';
  config: RunConfig;
  base: Checkpoint;
}

/** The one message the host sends: the job to run. After its result the process may get the next job (services/engine-pool.ts). */
export type EngineJob = PretrainJob | FinetuneJob;

/** The compute backend a job asks for. */
export function jobBackend(job: EngineJob): BackendName | 'auto' {
  return job.type === 'pretrain' ? job.backend : job.config.backend;
}

/** Payloads the engine streams back; the host persists them (it is the only database writer). */
export type EngineEvent =
  /** The job began on this backend; `resumedFrom` says where a resumed job continues (the host drops what was stored after it). */
  | { type: 'started'; backend: BackendName; skipped: string[]; resumedFrom: { step: number; evalCount: number } | null }
  | { type: 'log'; message: string }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'metrics'; point: EvalPoint }
  | { type: 'checkpoint'; step: number; checkpoint: Checkpoint; paramCount: number }
  | { type: 'resume-point'; point: ResumePoint }
  /**
   * Every pretrain eval sample (split order) before and after fine-tuning: the predicted class index
   * (accuracy runs), or the sequence's mean token loss (loss runs; the run config's metric says which).
   */
  | { type: 'predictions'; phase: 'base' | 'final'; predictions: Int32Array | Float32Array }
  /** `leakedTensors`, set by the engine process when the job left tensors behind: such a process is not given another job. */
  | { type: 'result'; headline: RunHeadline | null; leakedTensors?: number }
  | { type: 'error'; message: string; stack?: string };

/** An engine message: its payload, the run it belongs to and a per-run sequence number. */
export type EngineMessage = EngineEvent & { runId: string; seq: number };
