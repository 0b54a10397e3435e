import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandStudy, studyConfigSchema } from '../../src-shared/config';
import { MARKER_SHAPES } from '../../src-shared/method-style';
import { defaultParams, paramSpecs } from '../../src-shared/params';
import { selectBackend } from '../../src-main/engine/backend';
import { runFinetune } from '../../src-main/engine/jobs/finetune';
import { runPretrain } from '../../src-main/engine/jobs/pretrain';
import { METHODS, paramsJsonSchema } from '../../src-main/engine/methods/registry';
import { PARTITIONS } from '../../src-main/engine/methods/mixcd-partition';
import type { Checkpoint } from '../../src-shared/checkpoint';
import type { EngineEvent } from '../../src-main/engine/protocol';

// Every method of the registry on a tiny seeded task: adding a method file enrols it here.
const study = studyConfigSchema.parse({
  data: { useFraction: 0.06 },
  baseModel: { pretrain: { epochs: 1 } },
  methods: [{ id: 'vanilla' }],
  budget: { epochs: 2, evalsPerEpoch: 3, batchSize: 32 },
  backend: 'wasm',
});
const {
  bases: [{ baseModel }],
  runs,
} = expandStudy(study);

describe('method registry contract', () => {
  let base: Checkpoint;

  beforeAll(async () => {
    await selectBackend('wasm');
    const events: EngineEvent[] = [];
    await runPretrain({ type: 'pretrain', runId: 'base', spec: baseModel, task: 'rotate90', backend: 'wasm' }, (e) => events.push(e));
    base = (events.find((e) => e.type === 'checkpoint') as { checkpoint: Checkpoint }).checkpoint;
  });

  it('has unique ids and self-describing metadata', () => {
    expect(new Set(METHODS.map((m) => m.id)).size).toBe(METHODS.length);
    for (const m of METHODS) {
      expect(m.label.length, m.id).toBeGreaterThan(0);
      expect(m.summary.length, m.id).toBeGreaterThan(20);
      expect(m.reference.length, m.id).toBeGreaterThan(10);
      for (const p of paramSpecs(paramsJsonSchema(m))) {
        expect(p.label.length, `${m.id}.${p.key}`).toBeGreaterThan(0);
        expect(p.help.length, `${m.id}.${p.key}`).toBeGreaterThan(10);
      }
    }
  });

  it('draws every method in its own colour and its own marker', () => {
    for (const m of METHODS) {
      expect(m.style.color, m.id).toMatch(/^#[0-9A-F]{6}$/);
      expect(MARKER_SHAPES, m.id).toContain(m.style.marker);
    }
    expect(new Set(METHODS.map((m) => m.style.color)).size).toBe(METHODS.length);
    expect(new Set(METHODS.map((m) => m.style.marker)).size).toBe(METHODS.length);
  });

  for (const method of METHODS) {
    it(`${method.id}: its schema parses {} to the defaults its JSON Schema lists, key for key, and names an unknown key`, () => {
      const json = paramsJsonSchema(method);
      expect(Object.keys(json.properties)).toEqual(Object.keys(method.params.shape));
      expect(method.params.parse({})).toEqual(defaultParams(json));
      const unknown = method.params.safeParse({ notAParameter: 1 });
      expect(unknown.success).toBe(false);
      expect(unknown.error!.issues.map((i) => i.message).join('; ')).toContain('notAParameter');
    });
  }

  // Every method from its defaults, and mix-cd with each of its other partitions (each reads θ₀ its own way).
  const trainings = [
    ...METHODS.map((m) => ({ name: m.id, id: m.id, params: {} })),
    ...PARTITIONS.filter((p) => p !== 'class').map((partition) => ({ name: `mixcd (partition ${partition})`, id: 'mixcd', params: { partition } })),
  ];
  for (const { name, id, params } of trainings) {
    it(`${name}: trains from its defaults, loss stays finite, no tensor leaks across steps, clean dispose`, async () => {
      const events: EngineEvent[] = [];
      const tensorsAtEval: number[] = [];
      const before = tf.memory().numTensors;
      await runFinetune({ type: 'finetune', runId: id, config: { ...runs[0], method: { id, params, with: [] } }, base }, (e) => {
        events.push(e);
        if (e.type === 'metrics' && e.point.phase === 'train') tensorsAtEval.push(tf.memory().numTensors);
      });
      expect(events.find((e) => e.type === 'error')).toBeUndefined();
      expect(tf.memory().numTensors).toBe(before);
      expect(tensorsAtEval.length).toBeGreaterThanOrEqual(4);
      expect(new Set(tensorsAtEval).size, `tensor counts at evaluations: ${tensorsAtEval.join(', ')}`).toBe(1);
      const points = events.flatMap((e) => (e.type === 'metrics' ? [e.point] : []));
      for (const p of points.filter((p) => p.phase === 'train')) expect(Number.isFinite(p.loss), `loss at step ${p.step}`).toBe(true);
      for (const p of points) {
        for (const [key, value] of Object.entries(p.extras)) {
          for (const v of [value].flat()) expect(Number.isFinite(v), `extras.${key}`).toBe(true);
        }
      }
      const result = events.find((e) => e.type === 'result') as unknown as { headline: Record<string, unknown> };
      for (const key of ['aPre', 'aTgt', 'weightDistance', 'cdAbs']) expect(Number.isFinite(result.headline[key] as number), key).toBe(true);
    });
  }
});
