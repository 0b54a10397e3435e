import type { ForgottenSamples } from '../../src-shared/api';
import type { BaseModelSpec } from '../../src-shared/config';
import { taskOf } from '../../src-shared/tasks/lookup';
import { NotFoundError, ValidationError } from '../../src-shared/validation';
import { getRunPredictions, getRunSequenceLosses } from '../db/run-predictions';
import { getRun } from '../db/runs';
import type { Db } from '../db/types';
import { CharTokenizer } from '../engine/data/char-tokenizer';
import type { Dataset } from '../engine/data/dataset';
import { HfTextTokenizer } from '../engine/data/hf-text-tokenizer';
import { buildStudyData } from '../engine/data/study-data';
import { storedTokenizer } from '../store-read/stored-tokenizer';

/** Reads token ids back as text. */
type Decoder = Pick<CharTokenizer, 'decode'>;

/** The tokenizer of a text run's base model: its character tokenizer, or an imported checkpoint's own (stored with it); null for images and tables. */
function decoderOf(db: Db, base: BaseModelSpec): Decoder | null {
  if (base.tokenizer) return new CharTokenizer(base.tokenizer);
  if (base.imported && base.data.source === 'text')
    return new HfTextTokenizer(base.imported.id, storedTokenizer(db, base.imported.id), base.imported.headUnits);
  return null;
}

/** The text of sample i of a tokenised set. */
function textOf(set: Dataset, tok: Decoder, i: number): string {
  const d = set.shape[0];
  return tok.decode(set.x.subarray(i * d, (i + 1) * d));
}

/** A table row of a library dataset as text: its features as the model saw them. */
function featuresOf(set: Dataset, i: number, standardised: boolean): string {
  const f = set.shape[1];
  const values = Array.from(set.x.subarray(i * f, (i + 1) * f), (v) => Number(v.toPrecision(3)));
  return `${standardised ? 'standardised features' : 'features'}: ${values.join(', ')}`;
}

/**
 * The pretrain eval samples a fine-tuning run forgot, rebuilt from the run's own data split (seeded,
 * so it is the split the run was evaluated on) and its stored per-sample record: for accuracy runs
 * the samples correct under θ₀ and wrong after (pixels or text, true class, both predictions); for
 * loss runs the sequences whose mean token loss rose by more than the run's threshold, worst first.
 */
export function forgottenSamples(db: Db, runId: string, limit: number): ForgottenSamples {
  const run = getRun(db, runId);
  if (!run) throw new NotFoundError(`No run with id '${runId}'`, [`id: no run '${runId}'`]);
  const { config } = run;
  if (!config) throw new ValidationError(run.error ?? `The config of run ${runId} is unreadable`, [`id: ${run.error}`]);
  if (config.kind !== 'finetune')
    throw new ValidationError(`Run ${runId} pretrains a base model: it forgets nothing`, [`id: '${runId}' is not a fine-tuning run`]);
  const loss = config.metric === 'loss';
  const data = config.baseModel.data;
  const empty = {
    runId,
    total: 0,
    available: false,
    shape: [28, 28, 1] as [number, number, number],
    samples: [],
    sequences: [],
    lossRise: null,
    classNames: null,
    inkDark: true,
  };
  const read = loss ? getRunSequenceLosses : getRunPredictions;
  const [before, after] = [read(db, runId, 'base'), read(db, runId, 'final')];
  if (!before || !after) {
    return {
      ...empty,
      why:
        run.status === 'completed'
          ? 'this run was made before per-sample predictions were stored'
          : `the run is ${run.status}: predictions are stored when it completes`,
    };
  }
  const library = data.source === 'library' && config.target.dataset ? { store: db, target: config.target.dataset } : undefined;
  const evalSet = buildStudyData(config.baseModel, config.target.task, library, db).pretrainEval;
  const tabular = library !== undefined && evalSet.shape[0] === 1 && evalSet.shape[2] === 1;
  if (evalSet.n !== before.length) throw new Error(`the pretrain eval split has ${evalSet.n} samples but run ${runId} stored ${before.length} predictions`);
  const tok = decoderOf(db, config.baseModel);
  const common = { runId, available: true, shape: evalSet.shape, why: null, inkDark: data.source === 'mnist-digits' };
  if (loss) {
    // The run-record schema requires a loss run's threshold.
    const lossRise = config.lossRise!;
    const damaged = Array.from({ length: evalSet.n }, (_, i) => i).filter((i) => after[i] - before[i] > lossRise);
    damaged.sort((i, j) => after[j] - before[j] - (after[i] - before[i]));
    const sequences = damaged.slice(0, limit).map((i) => ({ index: i, text: textOf(evalSet, tok!, i), lossBefore: before[i], lossAfter: after[i] }));
    return { ...common, total: damaged.length, samples: [], sequences, lossRise, classNames: null };
  }
  const d = evalSet.shape[0] * evalSet.shape[1] * evalSet.shape[2];
  const forgotten: number[] = [];
  for (let i = 0; i < evalSet.n; i++) if (before[i] === evalSet.y[i] && after[i] !== evalSet.y[i]) forgotten.push(i);
  return {
    ...common,
    total: forgotten.length,
    sequences: [],
    lossRise: null,
    classNames: evalSet.classNames ?? taskOf(config.target.task).classNames ?? null,
    samples: forgotten.slice(0, limit).map((i) => ({
      index: i,
      label: evalSet.classes[evalSet.y[i]],
      before: evalSet.classes[before[i]],
      after: evalSet.classes[after[i]],
      pixels: tok || tabular ? [] : Array.from(evalSet.x.subarray(i * d, (i + 1) * d), (v) => Math.round(v * 255)),
      text: tok ? textOf(evalSet, tok, i) : tabular ? featuresOf(evalSet, i, data.source === 'library' && data.standardize === true) : null,
    })),
  };
}
