import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandStudy, studyConfigSchema, type RunConfig, type StudyConfigInput } from '../../src-shared/config';
import type { Checkpoint } from '../../src-shared/checkpoint';
import { selectBackend } from '../../src-main/engine/backend';
import { runFinetune } from '../../src-main/engine/jobs/finetune';
import { runPretrain } from '../../src-main/engine/jobs/pretrain';
import { composeHooks } from '../../src-main/engine/methods/compose';
import type { MethodHooks } from '../../src-main/engine/methods/method';
import { getMethod, METHODS } from '../../src-main/engine/methods/registry';
import type { EngineEvent, EngineJob, FinetuneJob, ResumePoint } from '../../src-main/engine/protocol';
import { ResumeSchedule } from '../../src-main/engine/resume/schedule';

// Resume equivalence (issue #12 point 2): a run continued from any of its resume points emits, from there on,
// exactly what the uninterrupted run emitted — every evaluation point, the final checkpoint, the headline.
// Tiny real digits on the cpu backend: 90 target samples in batches of 20 (the last one of 10), 5 steps an epoch, 2 epochs.
const data = { useFraction: 0.05, pretrainShare: 0.8, evalShare: 0.1 };

const EVERY = { steps: 2 };

async function run(job: EngineJob): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  const emit = (e: EngineEvent) => events.push(e);
  if (job.type === 'pretrain') await runPretrain(job, emit);
  else await runFinetune(job, emit);
  return events;
}

const ofType = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) => events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
const pointsOf = (events: EngineEvent[]) => ofType(events, 'resume-point').map((e) => e.point);
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** A value with every typed array replaced by its type and a digest of its bytes (bitwise, and quick to compare) and Maps by their entries. */
function digested(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return `${value.constructor.name}:${createHash('sha1').update(bytes).digest('hex')}`;
  }
  if (value instanceof Map) return [...value].map(([k, v]) => [k, digested(v)]);
  if (Array.isArray(value)) return value.map(digested);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, digested(v)]));
  return value;
}

/** A resume state, digested, without the progress-report accumulator: it follows the wall clock (reports go out every 250 ms). */
function comparable(state: Uint8Array): unknown {
  const decoded = deserialize(state) as { loop: { reportLoss?: number; reportSteps?: number } };
  delete decoded.loop.reportLoss;
  delete decoded.loop.reportSteps;
  return digested(decoded);
}

/** Checks that `resumed` continues `full` from `point` exactly, and says so in one log line. */
function expectExactContinuation(full: EngineEvent[], resumed: EngineEvent[], point: ResumePoint) {
  const metrics = (events: EngineEvent[]) => ofType(events, 'metrics').map((e) => e.point);
  expect(metrics(resumed)).toEqual(metrics(full).slice(point.evalCount));
  expect(metrics(resumed).at(-1)!.phase).toBe('final');
  expect(ofType(resumed, 'result')).toEqual(ofType(full, 'result'));
  const [a, b] = [ofType(resumed, 'checkpoint'), ofType(full, 'checkpoint')];
  expect(a.map((c) => [c.step, c.paramCount, c.checkpoint.manifest])).toEqual(b.map((c) => [c.step, c.paramCount, c.checkpoint.manifest]));
  expect(sameBytes(a[0].checkpoint.data, b[0].checkpoint.data)).toBe(true);
  // θ₀'s predictions are not sent again; the final ones are the same.
  expect(ofType(resumed, 'predictions')).toEqual(ofType(full, 'predictions').filter((p) => p.phase === 'final'));
  // Later resume points hold the same state, byte for byte but for the progress reports' running mean.
  const later = pointsOf(full).filter((p) => p.step > point.step);
  expect(pointsOf(resumed).map((p) => [p.step, p.evalCount])).toEqual(later.map((p) => [p.step, p.evalCount]));
  pointsOf(resumed).forEach((p, i) => expect(comparable(p.state), `state at step ${p.step}`).toEqual(comparable(later[i].state)));
  const totalSteps = ofType(full, 'checkpoint')[0].step;
  expect(ofType(resumed, 'log').map((e) => e.message)).toContain(`resumed from step ${point.step} of ${totalSteps}`);
}

/** A tiny study on the cpu backend: its base checkpoint and run configs. */
async function cpuStudy(config: StudyConfigInput): Promise<{ base: Checkpoint; runs: RunConfig[] }> {
  const study = studyConfigSchema.parse({ backend: 'cpu', data, baseModel: { pretrain: { epochs: 1 } }, ...config });
  const {
    bases: [{ baseModel }],
    runs,
  } = expandStudy(study);
  const events = await run({ type: 'pretrain', runId: 'base', spec: baseModel, task: study.target.task, backend: 'cpu' });
  return { base: ofType(events, 'checkpoint')[0].checkpoint, runs };
}

/** Runs a job uninterrupted with resume points, then resumed from a point in the first epoch and one in the second. */
async function checkResume(job: FinetuneJob, stepsPerEpoch: number) {
  const full = await run({ ...job, checkpointEvery: EVERY });
  const points = pointsOf(full);
  const first = points.find((p) => p.step > 1 && p.step < stepsPerEpoch)!;
  const second = points.find((p) => p.step > stepsPerEpoch && p.step % stepsPerEpoch !== 0)!;
  for (const point of [first, second]) {
    const resumed = await run({ ...job, checkpointEvery: EVERY, resume: point });
    expectExactContinuation(full, resumed, point);
  }
}

const budget = { epochs: 2, batchSize: 20, evalsPerEpoch: 2 };

describe('resuming a run from a resume point (cpu: bitwise)', () => {
  let base: Checkpoint;
  let runs: RunConfig[];

  beforeAll(async () => {
    await selectBackend('cpu');
    ({ base, runs } = await cpuStudy({
      methods: [
        ...METHODS.filter((m) => !['mixcd', 'wiseft', 'ewc'].includes(m.id)).map((m) => ({ id: m.id })),
        { id: 'wiseft', params: { alphas: [0, 0.5, 1] } },
        { id: 'ewc', params: { fisherSamples: 64 } },
        { id: 'mixcd', params: { variant: 'estimated' } },
        { id: 'mixcd', params: { variant: 'oracle', oracleEvery: 3 } },
        { id: 'mixcd', params: { partition: 'gradient', alignEvery: 3 } },
        { id: 'l2-sp', with: [{ id: 'rehearsal' }] },
      ],
      budget,
    }));
  });

  it('pretraining continues from points mid-epoch, at an epoch boundary and in the second epoch', async () => {
    const study = studyConfigSchema.parse({ backend: 'cpu', data, baseModel: { pretrain: { epochs: 2, batchSize: 90 } }, methods: [{ id: 'vanilla' }] });
    const {
      bases: [{ baseModel }],
    } = expandStudy(study);
    const job: EngineJob = { type: 'pretrain', runId: 'p', spec: baseModel, task: 'rotate90', backend: 'cpu', checkpointEvery: EVERY };
    const before = tf.memory().numTensors;
    const full = await run(job);
    const points = pointsOf(full);
    // 360 pretrain samples in batches of 90: 4 steps an epoch, points at steps 2, 4 (the epoch's end), 6 and 8.
    expect(points.map((p) => p.step)).toEqual([2, 4, 6, 8]);
    // Step 2 also checks Adam's β2ᵗ: float32 0.999·0.999·0.999 is not pow(0.999, 3) rounded to float32.
    for (const point of points.slice(0, 3)) expectExactContinuation(full, await run({ ...job, resume: point }), point);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('every method of the registry, and a combination, finishes as if never interrupted', async () => {
    const before = tf.memory().numTensors;
    const covered = new Set<string>();
    for (const config of runs) {
      await checkResume({ type: 'finetune', runId: config.method.id, config, base }, 5);
      [config.method, ...(config.method.with ?? [])].forEach((m) => covered.add(m.id));
    }
    expect([...covered].sort()).toEqual(METHODS.map((m) => m.id).sort());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a task sequence resumed in its second stage finishes as if never interrupted (LoRA with a fresh adapter per stage, EWC)', async () => {
    const { base: seqBase, runs: seqRuns } = await cpuStudy({
      target: { task: 'rotate90', then: ['permuted'] },
      methods: [{ id: 'lora', params: { rank: 4 } }, { id: 'ewc' }],
      budget,
    });
    const before = tf.memory().numTensors;
    for (const config of seqRuns) {
      const job: FinetuneJob = { type: 'finetune', runId: 'seq', config, base: seqBase, checkpointEvery: EVERY };
      const full = await run(job);
      // Stage 2 runs steps 11–20 of the run.
      const point = pointsOf(full).find((p) => p.step > 12)!;
      expectExactContinuation(full, await run({ ...job, resume: point }), point);
      expect(ofType(full, 'result')[0].headline!.sequence!.matrix).toHaveLength(3);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a new-head target (linear-probe baseline, LwF through the pretrain head) finishes as if never interrupted', async () => {
    const { base: newBase, runs: newRuns } = await cpuStudy({ target: { task: 'new-classes' }, methods: [{ id: 'lwf' }], budget });
    const job: FinetuneJob = { type: 'finetune', runId: 'new', config: newRuns[0], base: newBase };
    const full = await run({ ...job, checkpointEvery: EVERY });
    const headline = ofType(full, 'result')[0].headline!;
    expect(headline.aTgtBaseIsProbe).toBe(true);
    const point = pointsOf(full)[1];
    expectExactContinuation(full, await run({ ...job, checkpointEvery: EVERY, resume: point }), point);
  });

  it('refuses a state that does not decode, of another format version, or of another job, naming what does not fit', async () => {
    const [vanilla, ewc] = [runs.find((r) => r.method.id === 'vanilla')!, runs.find((r) => r.method.id === 'ewc')!];
    const job: FinetuneJob = { type: 'finetune', runId: 'v', config: vanilla, base, checkpointEvery: EVERY };
    const point = pointsOf(await run(job))[0];
    await expect(run({ ...job, resume: { ...point, state: Uint8Array.of(1, 2, 3) } })).rejects.toThrow(/resume point does not decode/);
    const future = new Uint8Array(serialize({ format: 'retainlab-resume', version: 99 }));
    await expect(run({ ...job, resume: { ...point, state: future } })).rejects.toThrow(/format version 99; this engine reads version 1/);
    await expect(run({ ...job, config: ewc, resume: point })).rejects.toThrow(/saved by a job with another method/);
    await expect(run({ type: 'pretrain', runId: 'p', spec: vanilla.baseModel, task: 'rotate90', backend: 'cpu', resume: point })).rejects.toThrow(
      /saved by a finetune job, this is a pretrain job/,
    );
  });

  it('saves after the given steps counted over the whole run, or after the given seconds, and refuses a setting that is not positive', async () => {
    const saved: number[] = [];
    const loop = (step: number) => ({ step, rng: 0, evalLoss: 0, evalSteps: 0, reportLoss: 0, reportSteps: 0 });
    // A second stage: its loop step 1 is run step 11.
    const bySteps = new ResumeSchedule({ steps: 3 }, 8).forLoop(10, (_, step) => saved.push(step))!;
    for (let step = 1; step <= 5; step++) if (bySteps.due(step)) bySteps.save(loop(step));
    expect(saved).toEqual([11, 14]);
    const bySeconds = new ResumeSchedule({ seconds: 0.05 }, 0).forLoop(0, () => {})!;
    expect(bySeconds.due(1)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(bySeconds.due(2)).toBe(true);
    expect(new ResumeSchedule(undefined, 0).forLoop(0, () => {})).toBeUndefined();
    expect(() => new ResumeSchedule({ steps: 0 }, 0)).toThrow('checkpointEvery.steps must be a positive number, got 0');
  });

  it('a combination keeps each method\u2019s state under its id and refuses a state of a method it does not run', () => {
    const counter = (id: string) => {
      let count = 0;
      const hooks: MethodHooks = { saveState: () => ({ count: ++count }), restoreState: (state) => void (count = state.count as number) };
      return { definition: getMethod(id), hooks, value: () => count };
    };
    const [rehearsal, l2] = [counter('rehearsal'), counter('l2-sp')];
    const both = composeHooks([rehearsal, l2, { definition: getMethod('vanilla'), hooks: {} }], tf);
    expect(both.saveState!()).toEqual({ rehearsal: { count: 1 }, 'l2-sp': { count: 1 } });
    both.restoreState!({ rehearsal: { count: 7 }, 'l2-sp': { count: 3 } });
    expect([rehearsal.value(), l2.value()]).toEqual([7, 3]);
    expect(() => both.restoreState!({ rehearsal: { count: 1 } })).toThrow('it lacks the state of l2-sp');
    expect(() => both.restoreState!({ rehearsal: { count: 1 }, 'l2-sp': { count: 1 }, mixcd: {} })).toThrow(
      'it holds the state of mixcd, which this job does not run',
    );
  });

  it('on wasm a resumed run ends within 1e-5 of the uninterrupted one', async () => {
    await selectBackend('wasm');
    try {
      const config = runs.find((r) => r.method.id === 'rehearsal')!;
      const job: FinetuneJob = { type: 'finetune', runId: 'w', config, base, checkpointEvery: EVERY };
      const full = await run(job);
      const point = pointsOf(full)[2];
      const resumed = await run({ ...job, resume: point });
      const [a, b] = [ofType(resumed, 'result')[0].headline!, ofType(full, 'result')[0].headline!];
      for (const key of ['aPre', 'aTgt', 'cdAbs', 'weightDistance'] as const) expect(Math.abs(a[key] - b[key]), key).toBeLessThanOrEqual(1e-5);
    } finally {
      await selectBackend('cpu');
    }
  });
});
