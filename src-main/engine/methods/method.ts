import type * as tfType from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { Objective } from '../../../src-shared/config';
import type { EvalPoint } from '../../../src-shared/evaluation';
import type { MethodCombination } from '../../../src-shared/method-combination';
import type { MethodStyle } from '../../../src-shared/method-style';
import type { ParamMeta } from '../../../src-shared/params';
import type { DeviceData } from '../device-data';
import type { Model } from '../models/model';
import type { StepOptimizer } from '../optimizers/step-optimizer';
import type { StudyTasks } from '../tasks/task';

declare module 'zod' {
  // What `.meta()` of a parameter field carries into its JSON Schema (the form's label, help text and scale), type-checked here.
  interface GlobalMeta {
    label?: ParamMeta['label'];
    help?: ParamMeta['help'];
    log?: ParamMeta['log'];
    appliesWhen?: ParamMeta['appliesWhen'];
  }
}

/** What a method's factory receives; tf is passed in so method files load without tfjs (the host reads their metadata). */
export interface MethodContext<P = Record<string, unknown>> {
  tf: typeof tfType;
  /** The method's parameters, parsed by its schema: every key present and in range. */
  params: P;
}

/** What the trainer offers a method before training. */
export interface TrainingSetup {
  model: Model;
  /** A fresh copy of the base model θ₀ (for distillation); the caller disposes it. */
  createBaseModel: () => Model;
  /** θ₀ by name (every tensor the base model has), in JS memory and on the backend. */
  theta0: Map<string, Float32Array>;
  theta0Tensors: Map<string, tfType.Tensor>;
  /** The pretrain training split: the rehearsal pool and the Fisher sample. */
  pretrainPool: DeviceData;
  targetTrain: DeviceData;
  /** True when the target reuses the pretrain head. */
  sameHead: boolean;
  /** The study's tasks: their losses (for importances: the pretrain task's on the pretrain pool, the target's on the target set), and per-sample correctness where samples have one. */
  tasks: StudyTasks;
  learningRate: number;
  batchSize: number;
  totalSteps: number;
  seed: number;
  log: (message: string) => void;
}

/** The current step, seen from inside the gradient tape. */
export interface StepContext {
  /** Optimizer step about to be taken, counted from 1. */
  step: number;
  /** Target inputs [b, d]. */
  x: tfType.Tensor2D;
  /** Their rows in setup.targetTrain [b] int32 (lets a method precompute per-sample quantities). */
  rows: tfType.Tensor1D;
  /** Target-head logits of x [b, classes]. */
  logits: tfType.Tensor2D;
}

/** A trainable weight with its name (optimizers that treat backbone and head differently need it). */
export interface NamedVariable {
  name: string;
  variable: tfType.Variable;
}

/** What the trainer offers after the last training step. */
export interface AfterTrainingContext {
  model: Model;
  theta0: Map<string, Float32Array>;
  /** Evaluates the model's current weights as a point of the run (stored by the host). */
  evaluate: (phase: EvalPoint['phase'], alpha: number | null) => EvalPoint;
}

/** What a method's validation knows of its study. */
export interface StudyContext {
  learningRate: number;
  objective: Objective;
  /** True when the study fine-tunes on a sequence of tasks, one after another. */
  sequence: boolean;
}

/** One value of a method's saved state: plain data that node:v8 serialises exactly (typed arrays keep their type). */
export type StateValue =
  number | boolean | string | null | Int32Array | Uint8Array | Float32Array | Float64Array | StateValue[] | { [key: string]: StateValue };

/** A method's mutable state at a resume point (docs/methods.md, Checkpoints and resume). */
export type MethodState = { [key: string]: StateValue };

/** The trainer's extension points (Avalanche-style); each returns values and never reaches into trainer state. */
export interface MethodHooks {
  /** Once before training: importances, adapters, correctness of θ₀ on the pretrain pool, … */
  beforeTraining?: (setup: TrainingSetup) => Promise<void> | void;
  /** Which of the model's weights train (given all their names); the rest are frozen. */
  trainable?: (names: string[]) => string[];
  /** Extra trainable variables the method owns (LoRA's A and B). */
  variables?: () => NamedVariable[];
  /** A term added to the batch loss inside the gradient tape (LwF: it depends on the batch). */
  penalty?: (ctx: StepContext) => tfType.Scalar;
  /**
   * A term added to one weight's loss gradient before the optimizer sees it: the analytic gradient of
   * a penalty on the weights alone (L2-SP, EWC). Far fewer ops than differentiating the penalty in the
   * tape, with the same update; null for weights it does not touch. The penalty's value is reported in extras.
   */
  gradientTerm?: (variable: tfType.Variable) => tfType.Tensor | null;
  /** Pretrain-pool rows to rehearse at this step, or null for none; `batch` is the step's target rows (in setup.targetTrain). */
  rehearsal?: (step: number, batch: Int32Array) => Int32Array | null;
  /** The rehearsed rows' correctness before the update, from the same forward pass. */
  observeRehearsal?: (rows: Int32Array, correct: Uint8Array) => void;
  /** Replaces Adam. */
  optimizer?: (trainable: NamedVariable[], learningRate: number) => StepOptimizer;
  /** Method-specific numbers stored with each evaluation point. */
  extras?: () => Record<string, number | number[]>;
  /** Runs after training; may change the model's weights (the run's result is what it leaves). */
  afterTraining?: (ctx: AfterTrainingContext) => void;
  /**
   * Its mutable state between two steps, for a resume point: samplers, their RNGs, running statistics. What
   * beforeTraining computes deterministically from θ₀ (importances, teacher logits) is not in it; the method's
   * trainable variables are saved with the weights and the optimizer's state by the trainer.
   */
  saveState?: () => MethodState;
  /** Continues from a saved state, after beforeTraining; an error names what does not fit. */
  restoreState?: (state: MethodState) => void;
  /** Frees what the method allocated. */
  dispose?: () => void;
}

/**
 * The parameters of a method: a strict zod object (an unknown key is an error naming it) whose fields carry
 * their default, range and `.meta({ label, help, log? })`. The host validates studies with it and fills the
 * defaults, the engine parses the stored parameters with it once, and its JSON Schema is what the wizard's
 * form and `retainlab methods --json` show.
 */
export type ParamsSchema = z.ZodObject<z.ZodRawShape, z.core.$strict>;

/**
 * One mitigation method, declared completely in its own file: what it is (label, summary, reference), how it
 * is drawn (style), its parameters (schema), what it combines with (MethodCombination: exclusive slots,
 * post-hoc, standalone) and the hooks the trainer calls.
 */
export interface MethodDefinition<S extends ParamsSchema = ParamsSchema> extends MethodCombination {
  id: string;
  label: string;
  /** Colour and marker in every figure and every colour dot; distinct across the registry (the contract test checks). */
  style: MethodStyle;
  summary: string;
  /** Paper and equation. */
  reference: string;
  params: S;
  /**
   * Problems of these parameters in this study (the budget's learning rate, what the model learns, a task sequence, the methods combined with it),
   * checked by the host before anything is stored. Method syntax: a definition with typed params still fits the registry's MethodDefinition.
   */
  validate?(params: z.output<S>, study: StudyContext & { partners: MethodDefinition[] }): string[];
  /** The setting that tells this method's runs apart in a one-line label (LoRA's full rank, mix-cd's oracle), or null for none. */
  setting?(params: z.output<S>): string | null;
  create(ctx: MethodContext<z.output<S>>): MethodHooks;
}

/** Declares a method; the parameter types of `validate` and `create` are inferred from its schema (no casts in the method files). */
export function defineMethod<S extends ParamsSchema>(definition: MethodDefinition<S>): MethodDefinition<S> {
  return definition;
}
