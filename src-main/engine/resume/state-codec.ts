import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { EvalPoint } from '../../../src-shared/evaluation';
import type { MethodState } from '../methods/method';
import type { OptimizerState } from '../optimizers/step-optimizer';
import type { FinetuneJob, PretrainJob, ResumePoint } from '../protocol';
import type { LoopState } from '../train-loop';

/** The layout version of a resume state; a state of another version is refused (a run then restarts from its last stored result). */
const RESUME_FORMAT_VERSION = 1;

const FORMAT = 'retainlab-resume';

/** Which job a state belongs to: its kind and, as JSON, each part of the job that decides its training. */
export interface JobIdentity {
  kind: 'pretrain' | 'finetune';
  parts: Record<string, string>;
}

/** A fine-tuning run's own bookkeeping at a resume point. */
export interface FinetuneProgress {
  /** Task-sequence stage being trained (0 for a single target). */
  stage: number;
  /** Steps of the stages before this one. */
  stepOffset: number;
  /** This stage's last evaluated step. */
  lastStep: number;
  /** The latest evaluation point (progress reports carry its metrics). */
  latest: EvalPoint | null;
  /** R[i][j] rows of the finished stages. */
  matrix: number[][];
  /** A_tgt(θ₀), or the linear probe's accuracy: not trained again. */
  aTgtBase: number;
  /** The weights this stage started from (stages after the first), which its method's beforeTraining saw. */
  stageStart: Map<string, Float32Array> | null;
  method: MethodState;
}

/** Everything a job needs to continue exactly where it saved (docs/methods.md, Checkpoints and resume). */
export interface ResumeState {
  job: JobIdentity;
  /** Steps done over the whole run. */
  step: number;
  /** Every weight of the model (heads included) and the method's own variables (LoRA's A and B), by name. */
  weights: Map<string, Float32Array>;
  optimizer: OptimizerState;
  loop: LoopState;
  finetune?: FinetuneProgress;
}

/** The identity of a pretraining job: its model spec and task. */
export function pretrainIdentity(job: PretrainJob): JobIdentity {
  return { kind: 'pretrain', parts: { spec: JSON.stringify(job.spec), task: JSON.stringify(job.task) } };
}

/** The identity of a fine-tuning job: what its config trains (not its name or backend) and a digest of its base weights. */
export function finetuneIdentity(job: FinetuneJob): JobIdentity {
  const { baseModel, target, method, budget, seed, lossRise } = job.config;
  const json = { baseModel, target, method, budget, seed, lossRise: lossRise ?? null };
  const parts = Object.fromEntries(Object.entries(json).map(([key, value]) => [key, JSON.stringify(value)]));
  const digest = createHash('sha256').update(JSON.stringify(job.base.manifest)).update(job.base.data).digest('hex');
  return { kind: 'finetune', parts: { ...parts, base: digest } };
}

/** Serialises a state (node:v8 keeps typed arrays and Maps exactly) with its format and version. */
export function encodeResumeState(state: ResumeState): Uint8Array {
  // A plain copy: the host stores and forwards it like a checkpoint's bytes.
  return new Uint8Array(serialize({ format: FORMAT, version: RESUME_FORMAT_VERSION, ...state }));
}

const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Decodes a resume point's state for this job; a state that does not decode, or belongs to another job or version, is an error saying what does not fit. */
export function decodeResumeState(point: ResumePoint, job: JobIdentity): ResumeState {
  let value: unknown;
  try {
    value = deserialize(point.state);
  } catch (err) {
    throw new Error(`resume point does not decode: ${(err as Error).message}`, { cause: err });
  }
  const s = value as Partial<ResumeState> & { format?: unknown; version?: unknown };
  if (!s || typeof s !== 'object' || s.format !== FORMAT) throw new Error('resume point does not decode: its state is not a RetainLab resume state');
  if (s.version !== RESUME_FORMAT_VERSION)
    throw new Error(`resume point has format version ${String(s.version)}; this engine reads version ${RESUME_FORMAT_VERSION}`);
  if (s.job?.kind !== job.kind) throw new Error(`resume point does not fit this job: it was saved by a ${String(s.job?.kind)} job, this is a ${job.kind} job`);
  const differ = Object.keys(job.parts).filter((key) => s.job!.parts?.[key] !== job.parts[key]);
  if (differ.length) throw new Error(`resume point does not fit this job: it was saved by a job with another ${differ.join(', ')}`);
  if (s.step !== point.step) throw new Error(`resume point is corrupt: it says step ${point.step}, its state step ${String(s.step)}`);
  if (!(s.weights instanceof Map)) throw new Error('resume point is corrupt: it holds no weights');
  const loop = s.loop as Partial<LoopState> | undefined;
  const loopOk =
    loop &&
    ['step', 'rng', 'evalSteps', 'reportSteps'].every((k) => isCount(loop[k as keyof LoopState])) &&
    [loop.evalLoss, loop.reportLoss].every((v) => typeof v === 'number');
  if (!loopOk) throw new Error('resume point is corrupt: its training-loop position is incomplete');
  if (!s.optimizer || typeof s.optimizer !== 'object') throw new Error('resume point is corrupt: it holds no optimizer state');
  if (job.kind === 'finetune') {
    const f = s.finetune;
    const ok =
      f &&
      isCount(f.stage) &&
      isCount(f.stepOffset) &&
      isCount(f.lastStep) &&
      Array.isArray(f.matrix) &&
      typeof f.aTgtBase === 'number' &&
      f.method &&
      typeof f.method === 'object';
    if (!ok) throw new Error("resume point is corrupt: it lacks the fine-tuning run's bookkeeping");
  }
  return s as ResumeState;
}
