import * as tf from '@tensorflow/tfjs-core';
import type { RunHeadline } from '../../../src-shared/api';
import { runMetric, sharesHead, TASK_KIND } from '../../../src-shared/config';
import type { EvalPoint } from '../../../src-shared/evaluation';
import { headlineDeltas } from '../../../src-shared/metrics';
import { buildStudyData } from '../data/study-data';
import { checkTokenizer } from '../data/tokenizer-check';
import { disposeDevice, toDevice } from '../device-data';
import { Evaluator } from '../evaluator';
import { createMethod, methodLabel, parseMethodChoice } from '../methods/registry';
import type { MethodHooks, NamedVariable } from '../methods/method';
import { decodeCheckpoint, encodeCheckpoint } from '../models/checkpoint';
import { Model } from '../models/model';
import { modelSpecFor } from '../models/model-spec';
import { adam } from '../optimizers/adam';
import type { StepOptimizer } from '../optimizers/step-optimizer';
import { probeBaselineAccuracy } from '../probe-baseline';
import type { FinetuneJob } from '../protocol';
import { taskFor } from '../tasks/task-for';
import { totalSteps, trainLoop } from '../train-loop';
import { makeTrainStep } from '../train-step';
import type { Emit } from './emitter';

/** The trainable weights after the method's filter, plus the method's own variables. */
function trainableWeights(model: Model, hooks: MethodHooks): NamedVariable[] {
  const all = [...model.params.keys()];
  const kept = hooks.trainable ? hooks.trainable(all) : all;
  model.setTrainable(kept.length === all.length ? null : kept);
  return [...kept.map((name) => ({ name, variable: model.params.get(name)! })), ...(hooks.variables?.() ?? [])];
}

/** Fine-tunes a base model on the target task with a (possibly combined) method, evaluating retention and gain along the way. */
export async function runFinetune(job: FinetuneJob, emit: Emit): Promise<void> {
  const { config } = job;
  const choice = parseMethodChoice(config.method, 'method', { learningRate: config.budget.learningRate, objective: TASK_KIND[config.target.task].objective });
  const sameHead = sharesHead(config.target.task);
  const data = buildStudyData(config.baseModel, config.target.task);
  checkTokenizer(config.baseModel, [data.pretrainTrain, data.pretrainEval, data.targetTrain, data.targetEval]);
  const task = taskFor(config.target.task, config.lossRise);
  const theta0 = decodeCheckpoint(job.base);
  const spec = modelSpecFor(config.baseModel, sameHead ? null : data.targetTrain.classes.length);
  const model = new Model(spec, config.seed, theta0);
  const theta0Tensors = new Map([...theta0].map(([name, values]) => [name, tf.tensor(values, model.params.get(name)!.shape)]));
  const [pretrainPool, pretrainEval, targetTrain, targetEval] = [data.pretrainTrain, data.pretrainEval, data.targetTrain, data.targetEval].map(toDevice);
  const evaluator = new Evaluator(model, theta0Tensors, pretrainEval, targetEval, task);
  const hooks = createMethod(choice, tf);
  const { epochs, batchSize, learningRate, evalsPerEpoch } = config.budget;
  const log = (message: string) => emit({ type: 'log', message });
  log(`${methodLabel(choice)}: ${targetTrain.n} target samples, ${pretrainEval.n} pretrain eval samples, ${model.paramCount} weights`);
  let optimizer: StepOptimizer | null = null;
  try {
    const aPreBase = evaluator.setBase(evaluator.pretrainScores());
    emit({ type: 'predictions', phase: 'base', predictions: evaluator.pretrainPredictions() });
    const aTgtBase = sameHead
      ? evaluator.targetMetric('pretrain')!
      : await probeBaselineAccuracy(model, targetTrain, targetEval, { epochs, batchSize, learningRate, seed: config.seed });
    const steps = totalSteps(targetTrain.n, batchSize, epochs);
    await hooks.beforeTraining?.({
      model,
      createBaseModel: () => new Model(spec, config.seed, theta0),
      theta0,
      theta0Tensors,
      pretrainPool,
      targetTrain,
      sameHead,
      task,
      learningRate,
      batchSize,
      totalSteps: steps,
      seed: config.seed,
      log,
    });
    const evaluate = (at: Parameters<Evaluator['evaluate']>[0]): EvalPoint => {
      const point = { ...evaluator.evaluate(at), extras: hooks.extras?.() ?? {} };
      emit({ type: 'metrics', point });
      return point;
    };
    let latest = evaluate({ step: 0, epoch: 0, phase: 'base', loss: null, alpha: null });
    // With a new head, A_tgt(θ₀) is the probe's: the fresh head of θ₀ is at chance.
    if (!sameHead) latest = { ...latest, aTgt: aTgtBase };

    const named = trainableWeights(model, hooks);
    const variables = named.map((v) => v.variable);
    optimizer = hooks.optimizer ? hooks.optimizer(named, learningRate) : adam(learningRate);
    await trainLoop({
      n: targetTrain.n,
      epochs,
      batchSize,
      seed: config.seed,
      evalsPerEpoch,
      step: makeTrainStep({ model, task, hooks, optimizer, variables, targetTrain, pretrainPool }),
      onProgress: (p) => emit({ type: 'progress', progress: { ...p, aPre: latest.aPre, aTgt: latest.aTgt } }),
      onEval: (step, epoch, loss) => {
        latest = evaluate({ step, epoch, phase: 'train', loss, alpha: null });
      },
    });
    const end = { step: latest.step, epoch: epochs, loss: null };
    hooks.afterTraining?.({ model, theta0, evaluate: (phase, alpha) => evaluate({ ...end, phase, alpha }) });
    const final = evaluate({ ...end, phase: 'final', alpha: null });
    emit({ type: 'predictions', phase: 'final', predictions: evaluator.pretrainPredictions() });
    const shapes = new Map([...model.params].map(([name, v]) => [name, v.shape]));
    emit({ type: 'checkpoint', step: end.step, checkpoint: encodeCheckpoint(model.snapshot(), shapes), paramCount: model.paramCount });
    const headline: RunHeadline = {
      aPreBase,
      aTgtBase,
      aTgtBaseIsProbe: !sameHead,
      aPre: final.aPre,
      aTgt: final.aTgt!,
      ...headlineDeltas(runMetric(config), { aPre: aPreBase, aTgt: aTgtBase }, { aPre: final.aPre, aTgt: final.aTgt! }),
      cdAbs: final.cdAbs,
      cdCond: final.cdCond,
      weightDistance: final.weightDistance,
      weightDistanceRel: final.weightDistanceRel,
    };
    emit({ type: 'result', headline });
  } finally {
    hooks.dispose?.();
    optimizer?.dispose();
    model.dispose();
    tf.dispose([...theta0Tensors.values()]);
    [pretrainPool, pretrainEval, targetTrain, targetEval].forEach(disposeDevice);
  }
}
