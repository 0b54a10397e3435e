import type * as tfType from '@tensorflow/tfjs-core';
import type { Head, Model } from './models/model';

/**
 * How the diagonal Fisher is estimated. 'avalanche': squared gradients of mini-batch mean losses,
 * averaged over batches (Avalanche EWCPlugin). 'empirical': squared per-sample gradients, averaged
 * over samples; it is the Avalanche form with batches of one, and larger by about the batch size.
 */
export type FisherKind = 'avalanche' | 'empirical';

/** Inputs [n, d] and targets on the backend: one-hot labels [n, classes], or a language model's next tokens [n, T]. */
export interface FisherData {
  x: tfType.Tensor2D;
  targets: tfType.Tensor2D;
}

/** Which rows to use and how to batch them. */
export interface FisherOptions {
  kind: FisherKind;
  /** Rows of `data` to use, in order; the last batch may be smaller (as with a DataLoader without drop_last). */
  rows: Int32Array;
  /** Mini-batch size of the 'avalanche' form; 'empirical' always uses one sample per gradient. */
  batchSize: number;
  /** The head whose loss is differentiated (default the pretrain head: EWC's importances for the pretrain task). */
  head?: Head;
  /** The batch-mean loss of targets and logits (the study task's; default softmax cross-entropy on one-hot targets). */
  loss?: (targets: tfType.Tensor2D, logits: tfType.Tensor2D) => tfType.Scalar;
}

/**
 * Diagonal Fisher of the path through one head (backbone + that head; by default the pretrain head,
 * i.e. the tensors θ₀ has) at the model's current weights, with true labels and cross-entropy: for
 * each batch g = ∇ of the batch-mean loss, F += g², then F /= number of batches. The model must
 * train every weight (a fresh base model does; call setTrainable(null) on a fine-tuned one). tf is an
 * argument so that method files can call this without loading tfjs themselves.
 */
export function fisherDiagonal(tf: typeof tfType, model: Model, data: FisherData, o: FisherOptions): Map<string, Float32Array> {
  const head = o.head ?? 'pretrain';
  const names = [...model.backboneNames(), ...model.headNames(head)];
  const variables = names.map((name) => model.params.get(name)!);
  const batchSize = o.kind === 'empirical' ? 1 : o.batchSize;
  let sums: tfType.Tensor[] = variables.map((v) => tf.zerosLike(v));
  let batches = 0;
  for (let start = 0; start < o.rows.length; start += batchSize) {
    const rows = o.rows.subarray(start, Math.min(o.rows.length, start + batchSize));
    const next = tf.tidy(() => {
      const idx = tf.tensor1d(rows, 'int32');
      const x = tf.gather(data.x, idx) as tfType.Tensor2D;
      const y = tf.gather(data.targets, idx) as tfType.Tensor2D;
      const loss = o.loss ?? ((t: tfType.Tensor2D, logits: tfType.Tensor2D) => tf.losses.softmaxCrossEntropy(t, logits) as tfType.Scalar);
      const { grads } = tf.variableGrads(() => loss(y, model.logits(x, head)), variables);
      return variables.map((v, i) => tf.add(sums[i], tf.square(grads[v.name])));
    });
    tf.dispose(sums);
    sums = next;
    batches++;
  }
  const out = new Map<string, Float32Array>();
  names.forEach((name, i) => {
    const values = sums[i].dataSync() as Float32Array;
    out.set(
      name,
      values.map((s) => s / Math.max(1, batches)),
    );
  });
  tf.dispose(sums);
  return out;
}
