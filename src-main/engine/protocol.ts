import type { RunHeadline, RunProgress } from '../../src-shared/api';
import type { BackendName, BaseModelSpec, RunConfig } from '../../src-shared/config';
import type { EvalPoint } from '../../src-shared/evaluation';
import type { Checkpoint } from '../../src-shared/checkpoint';

/** Pretrain a base model on the pretrain split. */
export interface PretrainJob {
  type: 'pretrain';
  runId: string;
  spec: BaseModelSpec;
  task: RunConfig['target']['task'];
  backend: BackendName | 'auto';
  /** Library data: the store file the engine reads the datasets from (read-only). */
  store?: string;
}

/** Fine-tune a base model with one method. */
export interface FinetuneJob {
  type: 'finetune';
  runId: string;
  config: RunConfig;
  base: Checkpoint;
  /** Library data: the store file the engine reads the datasets from (read-only). */
  store?: string;
}

/** The one message the host sends: the job to run. The engine process exits when it is done. */
export type EngineJob = PretrainJob | FinetuneJob;

/** Payloads the engine streams back; the host persists them (it is the only database writer). */
export type EngineEvent =
  | { type: 'started'; backend: BackendName; skipped: string[] }
  | { type: 'log'; message: string }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'metrics'; point: EvalPoint }
  | { type: 'checkpoint'; step: number; checkpoint: Checkpoint; paramCount: number }
  /**
   * Every pretrain eval sample (split order) before and after fine-tuning: the predicted class index
   * (accuracy runs), or the sequence's mean token loss (loss runs; the run config's metric says which).
   */
  | { type: 'predictions'; phase: 'base' | 'final'; predictions: Int32Array | Float32Array }
  | { type: 'result'; headline: RunHeadline | null }
  | { type: 'error'; message: string; stack?: string };

/** An engine message: its payload, the run it belongs to and a per-run sequence number. */
export type EngineMessage = EngineEvent & { runId: string; seq: number };
