import * as tf from '@tensorflow/tfjs-core';
// Registers the gradients that tfjs-core's CommonJS build lacks (as the engine's ops.ts does).
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { expandStudy, studyConfigSchema } from '../../src-shared/config';
import { selectBackend } from '../../src-main/engine/backend';
import { runFinetune } from '../../src-main/engine/jobs/finetune';
import { encodeCheckpoint } from '../../src-main/engine/models/checkpoint';
import { Model } from '../../src-main/engine/models/model';
import { modelSpecFor } from '../../src-main/engine/models/model-spec';
import { recadamSchedule } from '../../src-main/engine/methods/recadam';
import type { EngineEvent } from '../../src-main/engine/protocol';
import { RecAdam, recadamStability, type AnnealFunction } from '../../src-main/engine/optimizers/recadam';
import { readGolden } from '../golden';

interface Case {
  name: string;
  shape: number[];
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  annealFun: AnnealFunction;
  annealK: number;
  annealT0: number;
  annealW: number;
  pretrainCof: number;
  pretrained: number[];
  init: number[];
  lossTarget: number[];
  lossScale: number[];
  trajectory: number[][];
}

const golden = readGolden<{ cases: Case[] }>('recadam.json');

/** Runs RecAdam on the golden quadratic loss 0.5·Σ scale·(p − target)² and returns p after each step. */
function trajectory(c: Case): Float32Array[] {
  const init = tf.tensor(c.init, c.shape);
  const p = tf.variable(init);
  const theta0 = tf.tensor(c.pretrained, c.shape);
  const [target, scale] = [tf.tensor(c.lossTarget, c.shape), tf.tensor(c.lossScale, c.shape)];
  const settings = {
    learningRate: c.lr,
    beta1: c.betas[0],
    beta2: c.betas[1],
    epsilon: c.eps,
    weightDecay: c.weightDecay,
    anneal: c.annealFun,
    k: c.annealK,
    t0: c.annealT0,
    annealW: c.annealW,
    pretrainCof: c.pretrainCof,
  };
  const optimizer = new RecAdam(tf, [{ variable: p, pretrained: theta0, decay: true }], settings);
  const out: Float32Array[] = [];
  for (let i = 0; i < c.trajectory.length; i++) {
    const loss = optimizer.minimize(() => tf.mul(0.5, tf.sum(tf.mul(scale, tf.square(tf.sub(p, target))))) as tf.Scalar, [p]);
    loss.dispose();
    out.push((p.dataSync() as Float32Array).slice());
  }
  optimizer.dispose();
  tf.dispose([init, p, theta0, target, scale]);
  return out;
}

/** Largest relative error of a trajectory against the golden one. */
function maxRelativeError(got: Float32Array[], expected: number[][]): number {
  let worst = 0;
  expected.forEach((row, i) => row.forEach((e, j) => (worst = Math.max(worst, Math.abs(got[i][j] - e) / Math.max(Math.abs(e), 1e-6)))));
  return worst;
}

describe('RecAdam reproduces the reference RecAdam.py trajectories (float32, relative error ≤ 1e-5)', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const c of golden.cases) {
      it(`${c.name} on ${backend}`, async () => {
        await selectBackend(backend);
        const before = tf.memory().numTensors;
        const got = trajectory(c);
        expect(tf.memory().numTensors).toBe(before);
        expect(maxRelativeError(got, c.trajectory)).toBeLessThanOrEqual(1e-5);
      });
    }
  }
});

describe('RecAdam refuses unstable settings', () => {
  it('a run with lr·γ ≥ 2 fails before its first evaluation, with a message naming the fields and the fix', async () => {
    await selectBackend('wasm');
    const study = studyConfigSchema.parse({ data: { useFraction: 0.05 }, methods: [{ id: 'recadam', params: { pretrainCof: 5000 } }], backend: 'wasm' });
    const {
      bases: [{ baseModel }],
      runs,
    } = expandStudy(study);
    const model = new Model(modelSpecFor(baseModel, null), 0);
    const base = encodeCheckpoint(model.snapshot(), new Map([...model.params].map(([name, v]) => [name, v.shape])));
    model.dispose();
    const before = tf.memory().numTensors;
    const events: EngineEvent[] = [];
    await expect(runFinetune({ type: 'finetune', runId: 'r', config: runs[0], base }, (e) => events.push(e))).rejects.toThrow(
      /^RecAdam: budget\.learningRate × params\.pretrainCof \(γ\) = 0\.001 × 5000 = 5 ≥ 2.*params\.pretrainCof to about 100 /,
    );
    expect(events.filter((e) => e.type === 'metrics')).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the stability check accepts lr·γ below 2 and refuses it at 2', () => {
    expect(recadamStability(1e-3, 100)).toBeNull();
    expect(recadamStability(1e-3, 1999)).toBeNull();
    expect(recadamStability(1e-3, 2000)).toMatch(/^RecAdam: .* = 2 ≥ 2/);
    expect(recadamStability(2e-5, 5000)).toBeNull();
  });
});

describe('RecAdam schedule', () => {
  it('relative t0 and k scale to the run length, so λ(t) keeps its shape', () => {
    expect(recadamSchedule('relative', 0.4, 40, 250)).toEqual({ t0: 100, k: 0.16 });
    expect(recadamSchedule('steps', 250, 0.5, 1000)).toEqual({ t0: 250, k: 0.5 });
    expect(() => recadamSchedule('relative', 250, 0.5, 1000)).toThrow(/^RecAdam: params\.t0 = 250 is a fraction of the run/);
  });
});
