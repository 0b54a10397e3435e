import type * as tfType from '@tensorflow/tfjs-core';
import type { EvalPoint } from '../../../src-shared/evaluation';
import type { ParamSpec, ParamValues } from '../../../src-shared/params';
import type { Model } from '../models/model';

/** What a method's hooks may use; tf is passed in so method files load without tfjs (the host reads their metadata). */
export interface MethodContext {
  tf: typeof tfType;
  params: ParamValues;
}

/** What the trainer offers after the last training step. */
export interface AfterTrainingContext {
  model: Model;
  /** The base weights θ₀ by name (only the tensors the base model has). */
  theta0: Map<string, Float32Array>;
  /** Evaluates the model's current weights as a point of the run (stored by the host). */
  evaluate: (phase: EvalPoint['phase'], alpha: number | null) => EvalPoint;
}

/** The trainer's extension points; each returns values and never reaches into trainer state. */
export interface MethodHooks {
  /** Runs after training; may change the model's weights (the run's result is what it leaves). */
  afterTraining?: (ctx: AfterTrainingContext) => void;
}

/** One mitigation method: self-describing metadata plus the hooks the trainer calls. */
export interface MethodDefinition {
  id: string;
  label: string;
  summary: string;
  /** Paper and equation. */
  reference: string;
  params: ParamSpec[];
  create: (ctx: MethodContext) => MethodHooks;
}
