import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';
import type { EvalPoint } from '../../src-shared/evaluation';
import { finetune } from './digits-study';
import { textStudy, TINY_TEXT_STUDY } from './text-study';

describe('a language-model study on real text (Moby Dick → State of the Union)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('pretraining lowers the held-out Moby Dick loss; fine-tuning lowers the speeches\u2019 loss; headline, damage and stored sequence losses agree', async () => {
    const before = tf.memory().numTensors;
    const { base, runs, pretrainEvents } = await textStudy(TINY_TEXT_STUDY);
    const pre = pretrainEvents.flatMap((e) => (e.type === 'metrics' ? [e.point] : []));
    // Mean token loss (nats): from ≈ ln(vocabulary) at the random start to well below it.
    expect(pre[0].aPre).toBeGreaterThan(4);
    expect(pre.at(-1)!.aPre).toBeLessThan(pre[0].aPre - 1);
    expect(runs[0].metric).toBe('loss');
    expect(runs[0].baseModel.tokenizer!.symbols.length).toBeGreaterThan(60);

    const run = await finetune(runs[0], base);
    const h = run.headline;
    expect(h.aTgt).toBeLessThan(h.aTgtBase);
    // (Whether Moby Dick's loss rises depends on how well the base was trained; the quickstart shows it. Here: the signs.)
    // Signed for "lower is better": forgetting = L_pre(θ_ft) − L_pre(θ₀) > 0, gain = L_tgt(θ₀) − L_tgt(θ_ft) > 0, retention = L₀/L_ft < 1.
    expect(h.forgetting).toBeCloseTo(h.aPre - h.aPreBase, 6);
    expect(h.targetGain).toBeCloseTo(h.aTgtBase - h.aTgt, 6);
    expect(h.retention!).toBeCloseTo(h.aPreBase / h.aPre, 6);
    expect(h.cdCond).toBe(h.cdAbs);
    const predictions = run.events.flatMap((e) => (e.type === 'predictions' ? [e] : []));
    expect(predictions.map((p) => p.phase)).toEqual(['base', 'final']);
    const [l0, lt] = predictions.map((p) => p.predictions);
    expect(l0).toBeInstanceOf(Float32Array);
    expect(l0.length).toBe(32);
    // The stored per-sequence losses reproduce the headline: their means and the share that rose by more than 0.1 nats.
    const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;
    expect(mean(l0)).toBeCloseTo(h.aPreBase, 4);
    expect(mean(lt)).toBeCloseTo(h.aPre, 4);
    expect(Array.from(lt).filter((v, i) => v - l0[i] > 0.1).length / 32).toBeCloseTo(h.cdAbs, 6);
    expect(Array.from(lt).some((v, i) => Math.abs(v - l0[i]) > 0.1)).toBe(true);
    const base0 = run.points.find((p: EvalPoint) => p.phase === 'base')!;
    expect(base0.cdAbs).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
