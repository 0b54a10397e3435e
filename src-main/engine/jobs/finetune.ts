import * as tf from '@tensorflow/tfjs-core';
import type { RunHeadline } from '../../../src-shared/api';
import { sharesHead } from '../../../src-shared/config';
import type { EvalPoint } from '../../../src-shared/evaluation';
import { retention } from '../../../src-shared/metrics';
import { buildStudyData } from '../data/study-data';
import { disposeDevice, mean01, toDevice } from '../device-data';
import { Evaluator } from '../evaluator';
import { linearProbeAccuracy } from '../linear-probe';
import { decodeCheckpoint, encodeCheckpoint } from '../models/checkpoint';
import { Model } from '../models/model';
import { modelSpecFor } from '../models/model-spec';
import { getMethod, parseMethodParams } from '../methods/registry';
import type { FinetuneJob } from '../protocol';
import { trainLoop } from '../train-loop';
import type { Emit } from './emitter';

/** Fine-tunes a base model on the target task with one method, evaluating retention and gain along the way. */
export async function runFinetune(job: FinetuneJob, emit: Emit): Promise<void> {
  const { config } = job;
  const method = getMethod(config.method.id);
  const params = parseMethodParams(config.method.id, config.method.params, 'method.params');
  const sameHead = sharesHead(config.target.task);
  const data = buildStudyData(config.data, config.target.task);
  const theta0 = decodeCheckpoint(job.base);
  const model = new Model(modelSpecFor(config.baseModel, sameHead ? null : data.targetTrain.classes.length), config.seed, theta0);
  const [pretrainEval, targetTrain, targetEval] = [toDevice(data.pretrainEval), toDevice(data.targetTrain), toDevice(data.targetEval)];
  const evaluator = new Evaluator(model, theta0, pretrainEval, targetEval);
  const hooks = method.create({ tf, params });
  const budget = { ...config.budget, seed: config.seed };
  emit({ type: 'log', message: `${method.label}: ${targetTrain.n} target samples, ${pretrainEval.n} pretrain eval samples, ${model.paramCount} weights` });
  try {
    const c0 = evaluator.pretrainCorrect();
    evaluator.setBase(c0);
    const aPreBase = mean01(c0);
    const aTgtBase = sameHead ? evaluator.targetAccuracy('pretrain')! : await linearProbeAccuracy(model, targetTrain, targetEval, budget);
    let latest: EvalPoint = evaluator.evaluate({ step: 0, epoch: 0, phase: 'base', loss: null, alpha: null });
    if (!sameHead) latest = { ...latest, aTgt: aTgtBase };
    emit({ type: 'metrics', point: latest });

    // With a new head the pretrain head gets no target gradient: it stays θ₀'s, as it must for A_pre.
    const pretrainHead = model.headNames('pretrain');
    const trainable = [...model.params].filter(([name]) => sameHead || !pretrainHead.includes(name)).map(([, v]) => v);
    await trainLoop({
      data: targetTrain,
      trainable,
      loss: (x, y) => tf.losses.softmaxCrossEntropy(y, model.logits(x, 'target')) as tf.Scalar,
      epochs: budget.epochs,
      batchSize: budget.batchSize,
      learningRate: budget.learningRate,
      seed: budget.seed,
      evalsPerEpoch: budget.evalsPerEpoch,
      onProgress: (p) => emit({ type: 'progress', progress: { ...p, aPre: latest.aPre, aTgt: latest.aTgt } }),
      onEval: (step, epoch, loss) => {
        latest = evaluator.evaluate({ step, epoch, phase: 'train', loss, alpha: null });
        emit({ type: 'metrics', point: latest });
      },
    });
    const endStep = latest.step;
    hooks.afterTraining?.({
      model,
      theta0,
      evaluate: (phase, alpha) => {
        const point = evaluator.evaluate({ step: endStep, epoch: budget.epochs, phase, loss: null, alpha });
        emit({ type: 'metrics', point });
        return point;
      },
    });
    const final = evaluator.evaluate({ step: endStep, epoch: budget.epochs, phase: 'final', loss: null, alpha: null });
    emit({ type: 'metrics', point: final });
    const shapes = new Map([...model.params].map(([name, v]) => [name, v.shape]));
    emit({ type: 'checkpoint', step: endStep, checkpoint: encodeCheckpoint(model.snapshot(), shapes), paramCount: model.paramCount });
    const headline: RunHeadline = {
      aPreBase,
      aTgtBase,
      aTgtBaseIsProbe: !sameHead,
      aPre: final.aPre,
      aTgt: final.aTgt!,
      retention: retention(aPreBase, final.aPre),
      forgetting: aPreBase - final.aPre,
      targetGain: final.aTgt! - aTgtBase,
      cdAbs: final.cdAbs,
      cdCond: final.cdCond,
      weightDistance: final.weightDistance,
      weightDistanceRel: final.weightDistanceRel,
    };
    emit({ type: 'result', headline });
  } finally {
    evaluator.dispose();
    model.dispose();
    [pretrainEval, targetTrain, targetEval].forEach(disposeDevice);
  }
}
