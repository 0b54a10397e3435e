import * as tf from '@tensorflow/tfjs-core';
import type { RunHeadline, SequenceResult } from '../../../src-shared/api';
import { runMetricsOf, targetDatasets, taskSequence } from '../../../src-shared/config';
import type { EvalPoint } from '../../../src-shared/evaluation';
import { headlineDeltas } from '../../../src-shared/metrics';
import { sequenceForgetting } from '../../../src-shared/sequence-metrics';
import { generalityHeadline } from '../../../src-shared/generality';
import { buildGeneralityData } from '../data/generality-data';
import { buildStudyStages } from '../data/study-data';
import { checkTokenizer } from '../data/tokenizer-check';
import { disposeDevice, toDevice, type DeviceData } from '../device-data';
import { Evaluator } from '../evaluator';
import { createMethod, methodLabel } from '../methods/registry';
import type { MethodHooks, NamedVariable } from '../methods/method';
import { decodeCheckpoint, encodeCheckpoint } from '../models/checkpoint';
import { Model } from '../models/model';
import { modelSpecFor } from '../models/model-spec';
import { adam } from '../optimizers/adam';
import type { StepOptimizer } from '../optimizers/step-optimizer';
import { probeBaselineAccuracy } from '../probe-baseline';
import type { FinetuneJob } from '../protocol';
import { studyTasks } from '../tasks/task-for';
import { totalSteps, trainLoop } from '../train-loop';
import { makeTrainStep } from '../train-step';
import { readValues, writeValues } from '../resume/named-values';
import { ResumeSchedule } from '../resume/schedule';
import { decodeResumeState, encodeResumeState, finetuneIdentity } from '../resume/state-codec';
import { countingMetrics, type Emit } from './emitter';

/** The trainable weights after the method's filter, plus the method's own variables. */
function trainableWeights(model: Model, hooks: MethodHooks): NamedVariable[] {
  // Batch norms' moving statistics are state, not weights an optimizer moves.
  const all = [...model.params.keys()].filter((name) => !model.statistics.has(name));
  const kept = hooks.trainable ? hooks.trainable(all) : all;
  model.setTrainable(kept.length === all.length ? null : kept);
  const trained = [...kept.map((name) => ({ name, variable: model.params.get(name)! })), ...(hooks.variables?.() ?? [])];
  // Said here rather than by tfjs's "none of the 0 variables is trainable" at the first step.
  if (!trained.length)
    throw new Error(
      `the method leaves none of the model's ${all.length} weights to train (a head-only linear probe of a model whose head has no weights of its own, as a tied language-model head without bias): train some backbone layers instead`,
    );
  return trained;
}

/**
 * Fine-tunes a base model on the target task, or on a sequence of tasks one after another, with a
 * (possibly combined) method, evaluating retention and gain along the way. In a sequence each task
 * gets the method afresh (a fresh LoRA adapter per task, merged after it: the protocol of
 * Soutif et al.) while θ₀ and the pretrain data stay the base model's, and after every stage every
 * task is evaluated: the matrix R[i][j] of methods.md §2, stored in the run's headline. Saves resume points when
 * the job asks, and continues from one when it carries it: the setup (data, θ₀, each stage's method and its
 * beforeTraining) is rebuilt, the state restored, and nothing emitted before the point is emitted again.
 */
export async function runFinetune(job: FinetuneJob, emitEvent: Emit): Promise<void> {
  const { config } = job;
  const identity = job.resume || job.checkpointEvery ? finetuneIdentity(job) : null;
  const resumed = job.resume ? decodeResumeState(job.resume, identity!) : null;
  const progress = resumed?.finetune ?? null;
  const metrics = countingMetrics(emitEvent, job.resume?.evalCount ?? 0);
  const emit = metrics.emit;
  const tasks = taskSequence(config.target);
  const sequence = tasks.length > 1;
  // Validated against the study by the host before it was stored; createMethod parses its parameters.
  const choice = config.method;
  // Library datasets: the engine reads them from the store; stage i trains on the i-th target dataset.
  const store = config.baseModel.data.source === 'library' ? job.store : undefined;
  // An imported checkpoint's tokenizer is read from the store too.
  const studies = buildStudyStages(config.baseModel, tasks, job.store ? { store: job.store, targets: targetDatasets(config.target) } : undefined);
  const data = studies[0];
  const sameHead = data.sameHead;
  const generality = buildGeneralityData(config.baseModel, tasks, config.generality ?? [], job.store);
  checkTokenizer(config.baseModel, [
    data.pretrainTrain,
    data.pretrainEval,
    ...studies.flatMap((s) => [s.targetTrain, s.targetEval]),
    ...generality.map((g) => g.data),
  ]);
  const runTasks = studyTasks(tasks[0], config.lossRise);
  const spec = modelSpecFor(config.baseModel, sameHead ? null : data.targetTrain.classes.length);
  const checkpoint = decodeCheckpoint(job.base);
  const model = new Model(spec, config.seed, checkpoint);
  // A checkpoint may hold weights this study's model does not build (a BERT's pooler, read only by a classifier head): θ₀ is what the model has.
  const theta0 = new Map([...checkpoint].filter(([name]) => model.params.has(name)));
  const theta0Tensors = new Map([...theta0].map(([name, values]) => [name, tf.tensor(values, model.params.get(name)!.shape)]));
  const [pretrainPool, pretrainEval] = [data.pretrainTrain, data.pretrainEval].map(toDevice);
  const targets = studies.map((s) => ({ train: toDevice(s.targetTrain), eval: toDevice(s.targetEval) }));
  const generalitySets = generality.map((g) => ({ set: g.set, data: toDevice(g.data) }));
  const devices: DeviceData[] = [pretrainPool, pretrainEval, ...targets.flatMap((t) => [t.train, t.eval]), ...generalitySets.map((g) => g.data)];
  let evaluator = new Evaluator(model, theta0Tensors, pretrainEval, targets[0].eval, runTasks, generalitySets);
  const { epochs, batchSize, learningRate, evalsPerEpoch } = config.budget;
  const log = (message: string) => emit({ type: 'log', message });
  log(
    `${methodLabel(choice)}: ${targets.map((t) => t.train.n).join(' then ')} target samples, ${pretrainEval.n} pretrain eval samples, ${model.paramCount} weights`,
  );
  if (generality.length) log(`generality suite: ${generality.map((g) => `${g.data.name.replace(/^generality: /, '')} (${g.data.n})`).join(', ')}`);
  const frozen = config.baseModel.imported?.frozen ?? [];
  if (frozen.length)
    log(`the imported model had ${frozen.join(', ')} frozen; here the method decides what trains (linear-probe or LoRA keep the backbone fixed)`);
  if (store) {
    const names = data.targetTrain.classNames ?? [];
    log(
      `pretrain: ${data.pretrainEval.name}; target: ${data.targetEval.name}; ${sameHead ? 'the same classes: the pretrain head is reused' : `other classes: a new head of ${names.length} units (${names.join(', ')})`}`,
    );
  }
  let hooks: MethodHooks = createMethod(choice, tf);
  let optimizer: StepOptimizer | null = null;
  try {
    // θ₀'s scores are the reference for collateral damage, resumed or not (one evaluation pass).
    const aPreBase = evaluator.setBase(evaluator.pretrainScores());
    const generalityBase = evaluator.generalityMetrics();
    if (!resumed) emit({ type: 'predictions', phase: 'base', predictions: evaluator.pretrainPredictions() });
    const aTgtBase = progress
      ? progress.aTgtBase
      : sameHead
        ? evaluator.targetMetric('pretrain')!
        : await probeBaselineAccuracy(model, targets[0].train, targets[0].eval, { epochs, batchSize, learningRate, seed: config.seed });
    // R[i][j]: the pretrain task, then every target task, after each stage (stage 0 is θ₀).
    const matrixRow = (pre: number) => [pre, ...targets.map((t) => evaluator.metricOn(t.eval, 'target'))];
    const matrix = progress ? progress.matrix.map((row) => [...row]) : sequence ? [matrixRow(aPreBase)] : [];
    let latest: EvalPoint | null = progress?.latest ?? null;
    let stepOffset = progress?.stepOffset ?? 0;
    const modelWeights = [...model.params].map(([name, variable]) => ({ name, variable }));
    const schedule = new ResumeSchedule(job.checkpointEvery, resumed?.step ?? 0);
    for (const [s, target] of targets.entries()) {
      // Stages finished before the resume point are not trained again: their rows of R are in it.
      if (progress && s < progress.stage) continue;
      const resumeHere = progress?.stage === s ? resumed : null;
      if (s > 0) {
        hooks.dispose?.();
        optimizer?.dispose();
        hooks = createMethod(choice, tf);
        evaluator = evaluator.forTarget(target.eval);
        log(`stage ${s + 1} of ${tasks.length}: ${studies[s].labels.target}`);
      }
      const stageHooks = hooks;
      const steps = totalSteps(target.train.n, batchSize, epochs);
      // A later stage's method sees the weights the stage starts from: a resumed run puts them back first.
      const stageStart = resumeHere ? progress!.stageStart : s > 0 && job.checkpointEvery ? readValues(modelWeights) : null;
      if (resumeHere && stageStart) writeValues(modelWeights, stageStart, 'stage-start weights');
      await stageHooks.beforeTraining?.({
        model,
        createBaseModel: () => new Model(spec, config.seed, theta0),
        theta0,
        theta0Tensors,
        pretrainPool,
        targetTrain: target.train,
        sameHead,
        tasks: runTasks,
        learningRate,
        batchSize,
        totalSteps: steps,
        seed: config.seed + s,
        log,
      });
      const evaluate = (at: Parameters<Evaluator['evaluate']>[0]): EvalPoint => {
        const point = {
          ...evaluator.evaluate({ ...at, step: at.step + stepOffset, epoch: at.epoch + s * epochs }),
          extras: { ...(stageHooks.extras?.() ?? {}), ...(sequence ? { stage: s + 1 } : {}) },
        };
        emit({ type: 'metrics', point });
        return point;
      };
      if (s === 0 && !resumed) {
        latest = evaluate({ step: 0, epoch: 0, phase: 'base', loss: null, alpha: null });
        // With a new head, A_tgt(θ₀) is the probe's: the fresh head of θ₀ is at chance.
        if (!sameHead) latest = { ...latest, aTgt: aTgtBase };
      }
      const named = trainableWeights(model, stageHooks);
      const variables = named.map((v) => v.variable);
      const stageOptimizer = stageHooks.optimizer ? stageHooks.optimizer(named, learningRate) : adam(learningRate);
      optimizer = stageOptimizer;
      // Every weight of the model and the method's own variables (LoRA's A and B), trained or not.
      const allWeights = () => [...modelWeights, ...(stageHooks.variables?.() ?? [])];
      let lastStep = resumeHere ? progress!.lastStep : 0;
      if (resumeHere) {
        writeValues(allWeights(), resumeHere.weights, 'weights');
        stageOptimizer.restoreState(resumeHere.optimizer, named);
        stageHooks.restoreState?.(progress!.method);
        const runSteps = targets.reduce((sum, t) => sum + totalSteps(t.train.n, batchSize, epochs), 0);
        log(`resumed from step ${resumeHere.step} of ${runSteps}`);
      }
      await trainLoop({
        n: target.train.n,
        epochs,
        batchSize,
        seed: config.seed + s,
        evalsPerEpoch,
        step: makeTrainStep({ model, tasks: runTasks, hooks: stageHooks, optimizer, variables, targetTrain: target.train, pretrainPool }),
        onProgress: (p) => emit({ type: 'progress', progress: { ...p, step: p.step + stepOffset, aPre: latest!.aPre, aTgt: latest!.aTgt } }),
        onEval: (step, epoch, loss) => {
          lastStep = step;
          latest = evaluate({ step, epoch, phase: 'train', loss, alpha: null });
        },
        resume: resumeHere?.loop,
        checkpoint: schedule.forLoop(stepOffset, (loop, step) => {
          const finetune = { stage: s, stepOffset, lastStep, latest, matrix, aTgtBase, stageStart, method: stageHooks.saveState?.() ?? {} };
          const weights = readValues(allWeights());
          const state = encodeResumeState({ job: identity!, step, weights, optimizer: stageOptimizer.saveState(named), loop, finetune });
          emit({ type: 'resume-point', point: { step, evalCount: metrics.count(), state } });
        }),
      });
      const end = { step: lastStep, epoch: epochs, loss: null };
      stageHooks.afterTraining?.({ model, theta0, evaluate: (phase, alpha) => evaluate({ ...end, phase, alpha }) });
      model.setTrainable(null);
      stepOffset += lastStep;
      if (sequence) matrix.push(matrixRow(evaluator.metricOn(pretrainEval, 'pretrain')));
    }
    const final = evaluator.evaluate({ step: stepOffset, epoch: epochs * tasks.length, phase: 'final', loss: null, alpha: null });
    emit({ type: 'metrics', point: { ...final, extras: hooks.extras?.() ?? {} } });
    emit({ type: 'predictions', phase: 'final', predictions: evaluator.pretrainPredictions() });
    const shapes = new Map([...model.params].map(([name, v]) => [name, v.shape]));
    emit({ type: 'checkpoint', step: stepOffset, checkpoint: encodeCheckpoint(model.snapshot(), shapes), paramCount: model.paramCount });
    // A sequence's A_tgt is its last task's; θ₀ on that task is the matrix's first row.
    const tgtBase = sequence ? matrix[0][tasks.length] : aTgtBase;
    const result: SequenceResult | undefined = sequence
      ? { tasks: [`pretrain (${data.labels.pretrain})`, ...studies.map((st) => st.labels.target)], matrix, ...sequenceForgetting(matrix, config.metric) }
      : undefined;
    const headline: RunHeadline = {
      aPreBase,
      aTgtBase: tgtBase,
      aTgtBaseIsProbe: !sameHead,
      aPre: final.aPre,
      aTgt: final.aTgt!,
      ...headlineDeltas(runMetricsOf(config), { aPre: aPreBase, aTgt: tgtBase }, { aPre: final.aPre, aTgt: final.aTgt! }),
      cdAbs: final.cdAbs,
      cdCond: final.cdCond,
      weightDistance: final.weightDistance,
      weightDistanceRel: final.weightDistanceRel,
      ...(result ? { sequence: result } : {}),
      ...(generalityBase && config.generality ? generalityHeadline(config.metric, config.generality, generalityBase, final.generality!) : {}),
    };
    emit({ type: 'result', headline });
  } finally {
    hooks.dispose?.();
    optimizer?.dispose();
    model.dispose();
    tf.dispose([...theta0Tensors.values()]);
    devices.forEach(disposeDevice);
  }
}
