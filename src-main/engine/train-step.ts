import * as tf from '@tensorflow/tfjs-core';
import { batchOf, type DeviceData } from './device-data';
import type { MethodHooks } from './methods/method';
import type { Model } from './models/model';
import type { StepOptimizer } from './optimizers/step-optimizer';
import type { StudyTasks } from './tasks/task';

/** What one fine-tuning step needs. */
export interface TrainStepParts {
  model: Model;
  /** Decide the losses (cross-entropy of a class, or of every next token): the target's, and the rehearsed pretrain rows' with their correctness. */
  tasks: StudyTasks;
  hooks: MethodHooks;
  optimizer: StepOptimizer;
  variables: tf.Variable[];
  targetTrain: DeviceData;
  pretrainPool: DeviceData;
}

/**
 * The fine-tuning step every method uses: target loss through the target head, rehearsed
 * pretrain rows through the pretrain head (mean over the mixed batch), plus the methods'
 * penalties; one optimizer update. Returns the batch loss (on the backend).
 */
export function makeTrainStep(p: TrainStepParts): (batch: Int32Array, step: number) => tf.Scalar {
  const { model, tasks, hooks, optimizer, variables, targetTrain, pretrainPool } = p;
  return (batch, step) => {
    const rows = hooks.rehearsal?.(step, batch) ?? null;
    let correct: tf.Tensor | null = null;
    // Read by a graph's batch norm in 'update' mode: only this forward uses batch statistics.
    model.training = true;
    const cost = optimizer.minimize(
      () => {
        const { x, y } = batchOf(targetTrain, batch);
        let logits: tf.Tensor2D;
        let loss: tf.Scalar;
        if (rows && rows.length) {
          // Target rows through the target head, rehearsed pretrain rows through the pretrain head,
          // one backbone pass; the loss is the mean over the mixed batch.
          const { x: xm, y: ym } = batchOf(pretrainPool, rows);
          const [b, m] = [batch.length, rows.length];
          let lm: tf.Tensor2D;
          [logits, lm] = model.logitsSplit(tf.concat([x, xm]), b, ['target', 'pretrain']);
          loss = tf.div(tf.add(tf.mul(tasks.target.loss(y, logits), b), tf.mul(tasks.pretrain.loss(ym, lm), m)), b + m) as tf.Scalar;
          // mix-cd learns from the rehearsed rows' correctness in this same forward pass, before the update.
          if (hooks.observeRehearsal && tasks.pretrain.correct) correct = tf.keep(tasks.pretrain.correct(ym, lm));
        } else {
          logits = model.logits(x, 'target');
          loss = tasks.target.loss(y, logits);
        }
        return hooks.penalty ? (tf.add(loss, hooks.penalty({ step, x, rows: tf.tensor1d(batch, 'int32'), logits })) as tf.Scalar) : loss;
      },
      variables,
      hooks.gradientTerm,
    );
    model.training = false;
    if (correct !== null && rows) {
      const seen = correct as tf.Tensor;
      hooks.observeRehearsal!(rows, Uint8Array.from(seen.dataSync()));
      seen.dispose();
    }
    return cost;
  };
}
