import * as tf from '@tensorflow/tfjs-core';
import type { EvalPoint } from '../../src-shared/evaluation';
import { combineDistances } from '../../src-shared/metrics';
import { perSampleWith } from './correctness';
import type { DeviceData } from './device-data';
import { originalLabels } from './data/dataset';
import type { Head, Model } from './models/model';
import type { StudyTasks, Task } from './tasks/task';

/** Where an evaluation is taken in the run. */
export interface EvalAt {
  step: number;
  epoch: number;
  phase: EvalPoint['phase'];
  loss: number | null;
  alpha: number | null;
}

/** Mean of per-sample scores: accuracy from 0/1 correctness, mean token loss from sequence losses. */
function mean(values: Float32Array): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length ? s / values.length : 0;
}

/**
 * Evaluates a model against its base θ₀ through the study's task: the pretrain metric with the
 * pretrain head, the target metric with the target head, collateral damage against θ₀'s per-sample
 * scores, ‖θ−θ₀‖ per tensor.
 */
export class Evaluator {
  private readonly sqNorm0 = new Map<string, number>();
  private readonly pretrainLabels: Int32Array;
  /** θ₀'s per-sample scores on the pretrain eval set (set by `setBase`; null while pretraining, when there is no θ₀). */
  private base: Float32Array | null = null;

  /** theta0: θ₀ on the backend by name (owned by the caller); distances cover exactly these tensors. */
  constructor(
    private readonly model: Model,
    private readonly theta0: Map<string, tf.Tensor>,
    private readonly pretrainEval: DeviceData,
    private readonly targetEval: DeviceData | null,
    private readonly tasks: StudyTasks,
    /** A generality suite's sets (owned by the caller), each measured with the pretrain head at every evaluation. */
    private readonly generality: readonly { set: string; data: DeviceData }[] = [],
  ) {
    for (const [name, t] of theta0)
      this.sqNorm0.set(
        name,
        tf.tidy(() => tf.sum(tf.square(t)).dataSync()[0]),
      );
    this.pretrainLabels = originalLabels(pretrainEval.source);
  }

  private perSample(data: DeviceData, head: Head, of: (targets: tf.Tensor2D, logits: tf.Tensor2D) => tf.Tensor1D): Float32Array {
    return perSampleWith(tf, { n: data.n, x: data.x, y: data.targets }, (x, targets) => of(targets, this.model.logits(x, head)), this.model.evalChunk);
  }

  /** What the store keeps per pretrain eval sample (pretrain head): the predicted class, or the sequence's mean token loss. */
  pretrainPredictions(): Int32Array | Float32Array {
    const values = this.perSample(this.pretrainEval, 'pretrain', this.tasks.pretrain.predictions);
    return this.tasks.pretrain.metric === 'accuracy' ? Int32Array.from(values) : values;
  }

  /** Per-sample scores on the pretrain eval set with the pretrain head: correctness, or sequence losses. */
  pretrainScores(): Float32Array {
    return this.perSample(this.pretrainEval, 'pretrain', this.tasks.pretrain.scores);
  }

  /**
   * The metric (accuracy or mean token loss) on any evaluation set with the given head, by that head's
   * task (where the target reuses the pretrain head, the two tasks are one).
   */
  metricOn(data: DeviceData, head: Head): number {
    const task: Task = head === 'target' ? this.tasks.target : this.tasks.pretrain;
    return mean(this.perSample(data, head, task.scores));
  }

  /** The target metric (accuracy or mean token loss) with the given head; null without a target set. */
  targetMetric(head: Head): number | null {
    return this.targetEval ? this.metricOn(this.targetEval, head) : null;
  }

  /** An evaluator of the same model, θ₀ and base scores against another target set (the next task of a sequence). */
  forTarget(targetEval: DeviceData): Evaluator {
    const next = new Evaluator(this.model, this.theta0, this.pretrainEval, targetEval, this.tasks, this.generality);
    next.base = this.base;
    return next;
  }

  /** Each generality set's metric with the pretrain head (set id → accuracy or mean token loss); null without a suite. */
  generalityMetrics(): Record<string, number> | null {
    if (!this.generality.length) return null;
    return Object.fromEntries(this.generality.map((g) => [g.set, this.metricOn(g.data, 'pretrain')]));
  }

  /** Records θ₀'s per-sample pretrain scores, the reference for collateral damage; returns A_pre(θ₀). */
  setBase(scores: Float32Array): number {
    this.base = scores;
    return mean(scores);
  }

  private distances() {
    const names = [...this.theta0.keys()];
    const sq = tf.tidy(() =>
      // The effective weight: with an unmerged LoRA adapter, W + scale·A·B is what moved.
      tf.stack(names.map((name) => tf.sum(tf.square(tf.sub(this.model.effectiveWeight(name), this.theta0.get(name)!))))),
    );
    const values = sq.dataSync();
    sq.dispose();
    return combineDistances(names.map((name, i) => ({ name, sqDist: values[i], sqNorm: this.sqNorm0.get(name)! })));
  }

  /** One full evaluation point of the current weights. */
  evaluate(at: EvalAt): EvalPoint {
    const pre = this.tasks.pretrain.compare(this.base, this.pretrainScores(), this.pretrainLabels);
    const { total, perLayer } = this.distances();
    const generality = this.generalityMetrics();
    return {
      step: at.step,
      epoch: at.epoch,
      phase: at.phase,
      alpha: at.alpha,
      aPre: pre.value,
      aTgt: this.targetMetric('target'),
      cdAbs: pre.cdAbs,
      cdCond: pre.cdCond,
      gainedAbs: pre.gainedAbs,
      loss: at.loss,
      weightDistance: total.distance,
      weightDistanceRel: total.relative,
      perClass: pre.perClass,
      perLayer,
      extras: {},
      ...(generality ? { generality } : {}),
    };
  }
}
