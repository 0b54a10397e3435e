import * as tf from '@tensorflow/tfjs-core';
import { checkTokenizer } from '../data/tokenizer-check';
import { buildStudyData } from '../data/study-data';
import { batchOf, disposeDevice, toDevice } from '../device-data';
import { Evaluator } from '../evaluator';
import { encodeCheckpoint } from '../models/checkpoint';
import { Model } from '../models/model';
import { modelSpecFor } from '../models/model-spec';
import type { PretrainJob } from '../protocol';
import { totalSteps, trainLoop } from '../train-loop';
import { adam } from '../optimizers/adam';
import { sameTask } from '../tasks/task';
import { taskFor } from '../tasks/task-for';
import { readValues, writeValues } from '../resume/named-values';
import { ResumeSchedule } from '../resume/schedule';
import { decodeResumeState, encodeResumeState, pretrainIdentity } from '../resume/state-codec';
import { countingMetrics, type Emit } from './emitter';

/**
 * Pretrains a base model on the pretrain split, evaluating on the pretrain eval split, and emits its checkpoint;
 * saves resume points when the job asks, and continues from one when it carries it.
 */
export async function runPretrain(job: PretrainJob, emitEvent: Emit): Promise<void> {
  const { spec } = job;
  const identity = job.resume || job.checkpointEvery ? pretrainIdentity(job) : null;
  const resumed = job.resume ? decodeResumeState(job.resume, identity!) : null;
  const metrics = countingMetrics(emitEvent, job.resume?.evalCount ?? 0);
  const emit = metrics.emit;
  // Library data: the pretrain dataset stands in as the target too; only its splits are used here.
  const data = buildStudyData(spec, job.task, job.store && spec.data.source === 'library' ? { store: job.store, target: spec.data.pretrain } : undefined);
  checkTokenizer(spec, [data.pretrainTrain, data.pretrainEval]);
  const task = taskFor(job.task);
  const what =
    spec.data.source === 'text'
      ? `${spec.classes.length === 0 ? 'sequences' : 'documents'} (${spec.tokenizer!.symbols.length} characters + unknown + padding)`
      : spec.data.source === 'library'
        ? `samples of ${data.pretrainTrain.name}`
        : 'digits';
  const classes = data.pretrainTrain.classNames ?? spec.classes.map(String);
  emit({
    type: 'log',
    message: `pretraining ${spec.recipe} on ${data.pretrainTrain.n} ${what}${classes.length ? ` (classes ${classes.join(',')})` : ''}, evaluating on ${data.pretrainEval.n}`,
  });
  const train = toDevice(data.pretrainTrain);
  const evalSet = toDevice(data.pretrainEval);
  const model = new Model(modelSpecFor(spec, null), spec.pretrain.seed);
  // Distances are measured from the random initialisation here: how far pretraining moved.
  const init = new Map([...model.params].map(([name, v]) => [name, tf.clone(v)]));
  const evaluator = new Evaluator(model, init, evalSet, null, sameTask(task));
  const optimizer = adam(spec.pretrain.learningRate);
  const variables = [...model.params.values()];
  const named = [...model.params].map(([name, variable]) => ({ name, variable }));
  const steps = totalSteps(train.n, spec.pretrain.batchSize, spec.pretrain.epochs);
  const schedule = new ResumeSchedule(job.checkpointEvery, resumed?.step ?? 0);
  const snapshotAt = (step: number, epoch: number, loss: number | null, phase: 'base' | 'train' | 'final') =>
    emit({ type: 'metrics', point: evaluator.evaluate({ step, epoch, phase, loss, alpha: null }) });
  try {
    if (resumed) {
      writeValues(named, resumed.weights, 'weights');
      optimizer.restoreState(resumed.optimizer, named);
      emit({ type: 'log', message: `resumed from step ${resumed.step} of ${steps}` });
    } else snapshotAt(0, 0, null, 'base');
    await trainLoop({
      n: train.n,
      epochs: spec.pretrain.epochs,
      batchSize: spec.pretrain.batchSize,
      seed: spec.pretrain.seed,
      evalsPerEpoch: 1,
      step: (rows) =>
        optimizer.minimize(() => {
          const { x, y } = batchOf(train, rows);
          return task.loss(y, model.logits(x, 'pretrain'));
        }, variables),
      onProgress: (p) => emit({ type: 'progress', progress: { ...p, aPre: null, aTgt: null } }),
      onEval: (step, epoch, loss) => snapshotAt(step, epoch, loss, 'train'),
      resume: resumed?.loop,
      checkpoint: schedule.forLoop(0, (loop, step) => {
        const state = encodeResumeState({ job: identity!, step, weights: readValues(named), optimizer: optimizer.saveState(named), loop });
        emit({ type: 'resume-point', point: { step, evalCount: metrics.count(), state } });
      }),
    });
    snapshotAt(steps, spec.pretrain.epochs, null, 'final');
    const shapes = new Map([...model.params].map(([name, v]) => [name, v.shape]));
    emit({ type: 'checkpoint', step: steps, checkpoint: encodeCheckpoint(model.snapshot(), shapes), paramCount: model.paramCount });
    emit({ type: 'result', headline: null });
  } finally {
    optimizer.dispose();
    tf.dispose([...init.values()]);
    model.dispose();
    disposeDevice(train);
    disposeDevice(evalSet);
  }
}
