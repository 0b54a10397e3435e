import * as tf from '@tensorflow/tfjs-core';
import type { EvalPoint } from '../../src-shared/evaluation';
import { collateralDamage, combineDistances } from '../../src-shared/metrics';
import { perSampleWith } from './correctness';
import { correctness, mean01, type DeviceData } from './device-data';
import { originalLabels } from './data/dataset';
import type { Head, Model } from './models/model';

/** Where an evaluation is taken in the run. */
export interface EvalAt {
  step: number;
  epoch: number;
  phase: EvalPoint['phase'];
  loss: number | null;
  alpha: number | null;
}

/**
 * Evaluates a model against its base θ₀: pretrain accuracy with the pretrain head, target
 * accuracy with the target head, collateral damage against θ₀'s correctness, ‖θ−θ₀‖ per tensor.
 */
export class Evaluator {
  private readonly sqNorm0 = new Map<string, number>();
  private readonly pretrainLabels: Int32Array;
  /** Correctness of θ₀ on the pretrain eval set (set by `setBase`; all-zero before, e.g. for pretraining). */
  private c0: Uint8Array;

  /** theta0: θ₀ on the backend by name (owned by the caller); distances cover exactly these tensors. */
  constructor(
    private readonly model: Model,
    private readonly theta0: Map<string, tf.Tensor>,
    private readonly pretrainEval: DeviceData,
    private readonly targetEval: DeviceData | null,
  ) {
    for (const [name, t] of theta0) this.sqNorm0.set(name, tf.tidy(() => tf.sum(tf.square(t)).dataSync()[0]));
    this.pretrainLabels = originalLabels(pretrainEval.source);
    this.c0 = new Uint8Array(pretrainEval.n);
  }

  /** Per-sample predicted class index on the pretrain eval set with the pretrain head (the gallery of forgotten samples shows them). */
  pretrainPredictions(): Int32Array {
    return Int32Array.from(perSampleWith(tf, this.pretrainEval, (x) => tf.argMax(this.model.logits(x, 'pretrain'), 1) as tf.Tensor1D));
  }

  /** Per-sample correctness on the pretrain eval set with the pretrain head. */
  pretrainCorrect(): Uint8Array {
    return correctness(this.pretrainEval, (x) => this.model.logits(x, 'pretrain'));
  }

  /** Accuracy on the target eval set with the given head. */
  targetAccuracy(head: Head): number | null {
    return this.targetEval ? mean01(correctness(this.targetEval, (x) => this.model.logits(x, head))) : null;
  }

  /** Records the current weights' pretrain correctness as c₀, the reference for collateral damage. */
  setBase(c0: Uint8Array): void {
    this.c0 = c0;
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
    const ct = this.pretrainCorrect();
    const cd = collateralDamage(this.c0, ct, this.pretrainLabels);
    const { total, perLayer } = this.distances();
    return {
      step: at.step,
      epoch: at.epoch,
      phase: at.phase,
      alpha: at.alpha,
      aPre: cd.accAfter,
      aTgt: this.targetAccuracy('target'),
      cdAbs: cd.cdAbs,
      cdCond: cd.cdCond,
      gainedAbs: cd.n ? cd.gained / cd.n : 0,
      loss: at.loss,
      weightDistance: total.distance,
      weightDistanceRel: total.relative,
      perClass: cd.perClass,
      perLayer,
      extras: {},
    };
  }
}
