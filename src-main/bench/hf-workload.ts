import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../../src-shared/config';
import { selectBackend } from '../engine/backend';
import type { Dataset } from '../engine/data/dataset';
import { disposeDevice, toDevice } from '../engine/device-data';
import { createMethod } from '../engine/methods/registry';
import { Model } from '../engine/models/model';
import { adam } from '../engine/optimizers/adam';
import { Rng } from '../engine/rng';
import { sameTask } from '../engine/tasks/task';
import { classification } from '../engine/tasks/classification';
import { languageModel } from '../engine/tasks/language-model';
import { makeTrainStep } from '../engine/train-step';
import { hfModelFrom } from '../import/models/hf-checkpoint';
import { nominalFlops } from './flops';
import { randomCheckpoint, type HubConfig } from './hf-bench-models';

/** A transformer workload ready to time: `run(n)` trains n steps and returns their seconds (waiting for the backend). */
export interface StepSession {
  run(steps: number): number;
  dispose(): void;
}

/** Sequence length of a bench config (BERT's max positions, GPT-2's context). */
export function sequenceOf(config: HubConfig): number {
  return (config.model_type === 'bert' ? config.max_position_embeddings : config.n_positions) as number;
}

/** `rows` random token sequences (ids ≥ 1: BERT's id 0 is padding); BERT rows get one of 2 classes, GPT-2 rows their next tokens. */
function randomTokens(config: HubConfig, rows: number): Dataset {
  const t = sequenceOf(config);
  const vocab = config.vocab_size as number;
  const rng = new Rng(1);
  const ids = Int32Array.from({ length: rows * (t + 1) }, () => 1 + Math.floor(rng.next() * (vocab - 1)));
  const x = new Float32Array(rows * t);
  const next = new Int32Array(rows * t);
  for (let r = 0; r < rows; r++) {
    x.set(ids.subarray(r * (t + 1), r * (t + 1) + t), r * t);
    next.set(ids.subarray(r * (t + 1) + 1, (r + 1) * (t + 1)), r * t);
  }
  const lm = config.model_type === 'gpt2';
  return {
    name: 'random tokens',
    x,
    y: Int32Array.from({ length: rows }, (_, r) => (lm ? 0 : r % 2)),
    n: rows,
    shape: [t, 1, 1],
    classes: lm ? [0] : [0, 1],
    ...(lm ? { nextTokens: next } : {}),
  };
}

/**
 * The engine's fine-tuning step on a model built from a Hub config with random weights (the import's
 * mapping, no files): BERT trains a new 2-class head on the pooled output, GPT-2 the next-token loss
 * through its tied head. Adam at 1e-3, the trainer's own step function, batches cycling through 8.
 */
export async function engineHfSession(config: HubConfig, batch: number, backend: BackendName): Promise<StepSession & { flopsPerSequence: number }> {
  await selectBackend(backend);
  const hf = hfModelFrom(config, randomCheckpoint(config));
  const lm = config.model_type === 'gpt2';
  const { inputShape, backbone, headUnits, heads } = hf.spec;
  const spec = { recipe: 'imported', inputShape, backbone, pretrainClasses: headUnits, targetClasses: lm ? null : 2, heads };
  const model = new Model(spec, 0, hf.weights);
  // The step trains BERT's new 2-class head, not its pretrain head: that is the product to count.
  const flopsPerSequence = nominalFlops({ ...spec, pretrainClasses: lm ? headUnits : 2, targetClasses: null }, true);
  const data = toDevice(randomTokens(config, batch * 8));
  const optimizer = adam(1e-3);
  const hooks = createMethod({ id: 'vanilla', params: {}, with: [] }, tf);
  const task = lm ? languageModel(0.1) : classification;
  const step = makeTrainStep({ model, tasks: sameTask(task), hooks, optimizer, variables: [...model.params.values()], targetTrain: data, pretrainPool: data });
  let done = 0;
  return {
    flopsPerSequence,
    run(steps) {
      const start = performance.now();
      let last: tf.Scalar | null = null;
      for (let i = 0; i < steps; i++) {
        last?.dispose();
        const from = (done++ % 8) * batch;
        last = step(
          Int32Array.from({ length: batch }, (_, k) => from + k),
          done,
        );
      }
      last?.dataSync();
      last?.dispose();
      return (performance.now() - start) / 1000;
    },
    dispose() {
      optimizer.dispose();
      model.dispose();
      disposeDevice(data);
    },
  };
}
