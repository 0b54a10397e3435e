import type * as tfType from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { DeviceData } from '../device-data';
import type { Model } from '../models/model';
import { stateField } from '../resume/state-fields';
import type { MethodState } from './method';

/**
 * B_mem, shared by random rehearsal and mix-cd so that both spend the same rehearsal budget by
 * default (docs/methods.md §4: 8…32 pretrain samples per 64 target samples move the trade-off).
 */
export const memoryBatchParam = z
  .number()
  .int()
  .min(1)
  .max(1024)
  .default(16)
  .meta({
    label: 'Rehearsal batch B_mem',
    help:
      'Pretrain samples added to every target batch of B samples; the loss is the mean over the mixed batch. ' +
      'Mixing ratio ρ = B_mem/(B+B_mem): 16 with B = 64 gives ρ = 0.2; Avalanche replay defaults to a 50/50 mix (ρ = 0.5). ' +
      'Cost per step ×(B+B_mem)/B (docs/methods.md §3.6; §4: 8…32 per 64 target samples on the built-in digits).',
  });

/** Offset of the rehearsal samplers' seed from the run seed, so they do not replay the target batch order. */
export const REHEARSAL_SEED_OFFSET = 7_001;

/** c_θ(x) of every pretrain-pool row with the pretrain head of the model's current weights (θ₀ before training). */
export function poolCorrectness(tf: typeof tfType, pool: DeviceData, model: Model): Uint8Array {
  const every = Int32Array.from({ length: pool.n }, (_, i) => i);
  return rowsCorrectness(tf, pool, model, every);
}

/**
 * c_θ(x) of some pool rows with the pretrain head of the model's current weights, in chunks. The rows lie
 * anywhere in the pool: they are copied from the JS-side data and uploaded, which costs what the rows weigh.
 */
export function rowsCorrectness(tf: typeof tfType, pool: DeviceData, model: Model, rows: ArrayLike<number>): Uint8Array {
  const { x, y } = pool.source;
  const d = pool.x.shape[1];
  const out = new Uint8Array(rows.length);
  for (let at = 0; at < rows.length; at += model.evalChunk) {
    const size = Math.min(model.evalChunk, rows.length - at);
    const inputs = new Float32Array(size * d);
    for (let i = 0; i < size; i++) inputs.set(x.subarray(rows[at + i] * d, (rows[at + i] + 1) * d), i * d);
    const predicted = tf.tidy(() => tf.argMax(model.logits(tf.tensor2d(inputs, [size, d]), 'pretrain'), 1));
    const labels = predicted.dataSync();
    predicted.dispose();
    for (let i = 0; i < size; i++) out[at + i] = labels[i] === y[rows[at + i]] ? 1 : 0;
  }
  return out;
}

/**
 * Rehearsal efficiency (docs/methods.md §3.7): the share of rehearsed samples that were collateral
 * damage when rehearsed, i.e. correct under θ₀ (c₀ = 1) and wrong in the very forward pass that
 * rehearsed them. Counted cumulatively and since the previous evaluation.
 */
export class RehearsalEfficiency {
  private rehearsed = 0;
  private damaged = 0;
  private rehearsedWindow = 0;
  private damagedWindow = 0;

  /** c0: θ₀'s correctness on the pretrain pool, indexed by pool row. */
  constructor(private readonly c0: Uint8Array) {}

  /** Counts one rehearsed batch: rows of the pool and their correctness before the update. */
  observe(rows: Int32Array, correct: Uint8Array): void {
    let cd = 0;
    for (let i = 0; i < rows.length; i++) cd += this.c0[rows[i]] & (correct[i] ^ 1);
    this.rehearsed += rows.length;
    this.damaged += cd;
    this.rehearsedWindow += rows.length;
    this.damagedWindow += cd;
  }

  /** The counters, for a resume point. */
  saveState(): MethodState {
    return { rehearsed: this.rehearsed, damaged: this.damaged, rehearsedWindow: this.rehearsedWindow, damagedWindow: this.damagedWindow };
  }

  /** Continues counting from a saved state. */
  restoreState(state: MethodState): void {
    const count = (key: string) => stateField(state, 'rehearsal efficiency', key, 'number');
    [this.rehearsed, this.damaged, this.rehearsedWindow, this.damagedWindow] = ['rehearsed', 'damaged', 'rehearsedWindow', 'damagedWindow'].map(count);
  }

  /**
   * The counters for an evaluation point; starts a new window. An empty window reports efficiency 0
   * with `rehearsedSinceEval` = 0 (extras must be finite numbers).
   */
  takeExtras(): Record<string, number> {
    const share = (cd: number, n: number) => (n ? cd / n : 0);
    const out = {
      rehearsalEfficiency: share(this.damaged, this.rehearsed),
      rehearsalEfficiencySinceEval: share(this.damagedWindow, this.rehearsedWindow),
      rehearsedSamples: this.rehearsed,
      rehearsedSinceEval: this.rehearsedWindow,
    };
    this.rehearsedWindow = 0;
    this.damagedWindow = 0;
    return out;
  }
}
