import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../../src-shared/config';
import { selectBackend } from '../../src-main/engine/backend';
import { Model, type SequenceInputs } from '../../src-main/engine/models/model';
import { firstToken } from '../../src-main/engine/models/transformer';
import { readHfModel, type HfModel } from '../../src-main/import/models/hf-checkpoint';

const GOLDEN = join(__dirname, '..', 'fixtures', 'golden', 'hf');

interface Case {
  name: string;
  family: 'gpt2' | 'bert';
  dir: string;
  input_ids: number[][];
  token_type_ids?: number[][];
  attention_mask?: number[][];
  logits?: number[];
  loss?: number;
  last_hidden_state?: number[];
  pooler_output?: number[];
  classification_logits?: number[];
  classification_labels?: number[];
  classification_loss?: number;
  mlm_logits?: number[];
  mlm_labels?: number[][];
  mlm_loss?: number;
  grad_norms: Record<string, number>;
}

const golden = JSON.parse(readFileSync(join(GOLDEN, 'cases.json'), 'utf8')) as {
  tolerance: { outputs_abs: number; loss_rel: number; grad_norm_rel: number };
  cases: Case[];
};
const tol = golden.tolerance;
/** Gradient norms below this fraction of the largest are zero up to float32 rounding. */
const ZERO_GRADIENT = 1e-6;
const caseOf = (family: string) => golden.cases.find((c) => c.family === family)!;

/** The checkpoint as the engine runs it; a checkpoint's classifier is the target head. */
function engineModel(hf: HfModel): Model {
  const { inputShape, backbone, headUnits, heads } = hf.spec;
  return new Model({ recipe: 'imported', inputShape, backbone, pretrainClasses: headUnits, targetClasses: hf.classifierUnits, heads }, 0, hf.weights);
}

/** Mean cross-entropy of the rows whose label is not −100 (PyTorch's ignore_index); one-hot targets built here, so no gather (wasm has no gradient for it). */
function meanCrossEntropy(logits: tf.Tensor2D, labels: number[]): tf.Scalar {
  const classes = logits.shape[1];
  const targets = new Float32Array(labels.length * classes);
  labels.forEach((l, i) => l >= 0 && (targets[i * classes + l] = 1));
  const count = labels.filter((l) => l >= 0).length;
  return tf.div(tf.neg(tf.sum(tf.mul(tf.tensor2d(targets, logits.shape), tf.logSoftmax(logits)))), count);
}

/** L2 norm of every checkpoint tensor's gradient: the norm over the engine weights it became (c_attn's q, k and v together). */
function gradNorms(model: Model, hf: HfModel, loss: () => tf.Scalar): { value: number; norms: Map<string, number> } {
  const byVariable = new Map([...model.params].map(([name, v]) => [v.name, name]));
  const { value, grads } = tf.variableGrads(loss, [...model.params.values()]);
  const sq = new Map<string, number>();
  for (const [varName, g] of Object.entries(grads))
    sq.set(
      byVariable.get(varName)!,
      tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0]),
    );
  const norms = new Map([...hf.sources].map(([stored, engine]) => [stored, Math.sqrt(engine.reduce((s, e) => s + (sq.get(e) ?? 0), 0))]));
  const v = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return { value: v, norms };
}

function expectClose(actual: ArrayLike<number>, expected: number[], abs: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(abs);
}

function expectNorms(norms: Map<string, number>, expected: Record<string, number>): void {
  // Every stored tensor has its gradient (tied ones once), and nothing the reference lacks.
  expect([...norms.keys()].sort()).toEqual(Object.keys(expected).sort());
  for (const [name, want] of Object.entries(expected)) {
    const got = norms.get(name)!;
    // A key bias shifts every score of a query alike, so softmax cancels it: its gradient is 0 in exact
    // arithmetic (the reference's 1e-17 is float64 rounding), where a relative error means nothing.
    const floor = ZERO_GRADIENT * Math.max(...Object.values(expected));
    expect(Math.abs(got - want), `${name}: ${got} vs ${want}`).toBeLessThanOrEqual(tol.grad_norm_rel * want + floor);
  }
}

describe.each(['cpu', 'wasm'] as BackendName[])('Hugging Face golden checkpoints on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  it('GPT-2: logits, next-token loss and every tensor gradient norm match the reference', () => {
    const c = caseOf('gpt2');
    const hf = readHfModel(join(GOLDEN, c.dir));
    const model = engineModel(hf);
    const [n, t] = [c.input_ids.length, c.input_ids[0].length];
    const x = tf.tensor2d(c.input_ids.flat(), [n, t]);
    expectClose(
      tf.tidy(() => model.logits(x, 'pretrain').dataSync()),
      c.logits!,
      tol.outputs_abs,
    );
    // Position i predicts token i + 1: the last position of each sequence has no label.
    const labels = c.input_ids.flatMap((seq) => seq.map((_, i) => (i + 1 < t ? seq[i + 1] : -100)));
    const { value, norms } = gradNorms(model, hf, () => meanCrossEntropy(model.logits(x, 'pretrain'), labels));
    expect(Math.abs(value - c.loss!) / c.loss!).toBeLessThanOrEqual(tol.loss_rel);
    expectNorms(norms, c.grad_norms);
    model.dispose();
    x.dispose();
  });

  it('BERT: hidden states, pooler, classifier and masked-LM logits, both losses and every gradient norm match the reference', () => {
    const c = caseOf('bert');
    const hf = readHfModel(join(GOLDEN, c.dir));
    const model = engineModel(hf);
    const [n, t] = [c.input_ids.length, c.input_ids[0].length];
    const x = tf.tensor2d(c.input_ids.flat(), [n, t]);
    const inputs: SequenceInputs = {
      tokenTypes: tf.tensor2d(c.token_type_ids!.flat(), [n, t]),
      attentionMask: tf.tensor2d(c.attention_mask!.flat(), [n, t]),
    };
    tf.tidy(() => {
      const hidden = model.features(x, inputs);
      expectClose(hidden.dataSync(), c.last_hidden_state!, tol.outputs_abs);
      const cls = firstToken({ out: hidden, upstream: false }, { n, t }).out;
      const pooled = tf.tanh(tf.add(tf.matMul(cls, model.params.get('pooler/kernel')!), model.params.get('pooler/bias')!));
      expectClose(pooled.dataSync(), c.pooler_output!, tol.outputs_abs);
      expectClose(model.logits(x, 'target', inputs).dataSync(), c.classification_logits!, tol.outputs_abs);
      expectClose(model.logits(x, 'pretrain', inputs).dataSync(), c.mlm_logits!, tol.outputs_abs);
    });
    const classLoss = () => meanCrossEntropy(model.logits(x, 'target', inputs), c.classification_labels!);
    const mlmLoss = () => meanCrossEntropy(model.logits(x, 'pretrain', inputs), c.mlm_labels!.flat());
    expect(Math.abs(tf.tidy(() => classLoss().dataSync()[0]) - c.classification_loss!) / c.classification_loss!).toBeLessThanOrEqual(tol.loss_rel);
    expect(Math.abs(tf.tidy(() => mlmLoss().dataSync()[0]) - c.mlm_loss!) / c.mlm_loss!).toBeLessThanOrEqual(tol.loss_rel);
    const { norms } = gradNorms(model, hf, () => tf.add(classLoss(), mlmLoss()));
    expectNorms(norms, c.grad_norms);
    model.dispose();
    tf.dispose([x, inputs.tokenTypes!, inputs.attentionMask!]);
  });
});
