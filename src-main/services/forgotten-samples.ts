import type { ForgottenSamples } from '../../src-shared/api';
import type { RunConfig } from '../../src-shared/config';
import { ValidationError } from '../../src-shared/validation';
import { getRunPredictions } from '../db/run-predictions';
import { getRun } from '../db/runs';
import type { Db } from '../db/types';
import { buildStudyData } from '../engine/data/study-data';

/**
 * The pretrain eval samples a fine-tuning run forgot (correct under θ₀, wrong after): their
 * pixels, true digit and both predictions, rebuilt from the run's own data split (seeded, so it
 * is the split the run was evaluated on) and its stored predictions.
 */
export function forgottenSamples(db: Db, runId: string, limit: number): ForgottenSamples {
  const run = getRun(db, runId);
  if (!run) throw new ValidationError(`No run with id '${runId}'`, [`id: no run '${runId}'`]);
  if (run.kind !== 'finetune') throw new ValidationError(`Run ${runId} pretrains a base model: it forgets nothing`, [`id: '${runId}' is not a fine-tuning run`]);
  const before = getRunPredictions(db, runId, 'base');
  const after = getRunPredictions(db, runId, 'final');
  if (!before || !after) {
    return { runId, total: 0, available: false, shape: [28, 28, 1], samples: [], why: run.status === 'completed' ? 'this run was made before per-sample predictions were stored' : `the run is ${run.status}: predictions are stored when it completes` };
  }
  const config = run.config as unknown as RunConfig;
  const evalSet = buildStudyData(config.data, config.target.task).pretrainEval;
  if (evalSet.n !== before.length) throw new Error(`the pretrain eval split has ${evalSet.n} samples but run ${runId} stored ${before.length} predictions`);
  const d = evalSet.shape[0] * evalSet.shape[1] * evalSet.shape[2];
  const forgotten: number[] = [];
  for (let i = 0; i < evalSet.n; i++) if (before[i] === evalSet.y[i] && after[i] !== evalSet.y[i]) forgotten.push(i);
  return {
    runId,
    total: forgotten.length,
    available: true,
    shape: evalSet.shape,
    why: null,
    samples: forgotten.slice(0, limit).map((i) => ({
      index: i,
      label: evalSet.classes[evalSet.y[i]],
      before: evalSet.classes[before[i]],
      after: evalSet.classes[after[i]],
      pixels: Array.from(evalSet.x.subarray(i * d, (i + 1) * d), (v) => Math.round(v * 255)),
    })),
  };
}
