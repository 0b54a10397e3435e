import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getImportedModel } from '../../src-main/db/imported-models';
import type { Db } from '../../src-main/db/types';
import { decodeCheckpoint } from '../../src-main/engine/models/checkpoint';
import { Model } from '../../src-main/engine/models/model';
import { importModelAt } from '../../src-main/import/models/model-import';
import { applyEdits, CASE_MS, edits, expectRefusal, FuzzTally, fuzzRuns, HUGE_VALUES, withinDeadline } from './fuzz-harness';
import { tempDataDir } from './helpers';
import { tempStores } from './import-helpers';

const MODELS = join(__dirname, '..', 'fixtures', 'models');
const store = tempStores();
const files = tempDataDir();
afterAll(files.remove);
const tally = new FuzzTally('fuzz-models');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const BASES = {
  cnn: { json: readFileSync(join(MODELS, 'cnn', 'model.json')), bin: readFileSync(join(MODELS, 'cnn', 'weights.bin')) },
  lstm: { json: readFileSync(join(MODELS, 'lstm', 'model.json')), bin: readFileSync(join(MODELS, 'lstm', 'weights.bin')) },
};

function importedModels(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM imported_models').get() as { n: number }).n;
}

/** A store already holding the good CNN, so a refused import can be seen to leave it as it was. */
async function storeWithCnn() {
  const s = store();
  await importModelAt(s.db, join(MODELS, 'cnn'), 'model-ok');
  return s;
}

let caseNo = 0;

/** Writes model.json (and weights.bin, unless absent) into a fresh folder. */
function modelFolder(json: Buffer | string, bin: Buffer | null): string {
  const dir = join(files.dir, `model-${++caseNo}`);
  rmSync(join(files.dir, `model-${caseNo - 1}`), { recursive: true, force: true });
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.json'), json);
  if (bin) writeFileSync(join(dir, 'weights.bin'), bin);
  return dir;
}

/**
 * The fuzz property of one model folder: its import ends, within CASE_MS, in a refusal (a
 * ValidationError) that leaves the store as it was, or in a stored model the engine can build and
 * run to finite logits (then removed again).
 */
async function expectModelOutcome(db: Db, dir: string, format: string): Promise<void> {
  const started = Date.now();
  const id = `fuzz-model-${caseNo}`;
  const before = importedModels(db);
  let refusal: string | null = null;
  try {
    await withinDeadline(importModelAt(db, dir, id), CASE_MS, 'the model import');
  } catch (err) {
    if (err instanceof Error && /did not finish within/.test(err.message)) throw err;
    refusal = expectRefusal(err);
  }
  const ms = Date.now() - started;
  expect(ms).toBeLessThan(CASE_MS);
  if (refusal !== null) {
    expect(importedModels(db)).toBe(before);
    tally.add(format, 'refused', ms, refusal);
    return;
  }
  const stored = getImportedModel(db, id)!;
  const spec = stored.engineSpec;
  expect(spec.headUnits).toBeGreaterThanOrEqual(1);
  const weights = decodeCheckpoint({ manifest: stored.manifest, data: stored.weights });
  for (const [name, values] of weights) for (const v of values) if (!Number.isFinite(v)) throw new Error(`stored weight ${name} holds ${v}`);
  const model = new Model(
    { recipe: 'imported', inputShape: spec.inputShape, backbone: spec.backbone, pretrainClasses: spec.headUnits, targetClasses: null },
    0,
    weights,
  );
  // Finite weights may still overflow on some input; what matters is that the engine builds and runs the model.
  const logits = tf.tidy(() => model.logits(tf.ones([2, spec.inputShape[0] * spec.inputShape[1] * spec.inputShape[2]]), 'pretrain').dataSync());
  model.dispose();
  expect(logits.length).toBe(2 * spec.headUnits);
  db.prepare('DELETE FROM imported_models WHERE id = ?').run(id);
  tally.add(format, 'imported', ms);
}

/** Every path into a JSON value (object keys and array indices), the root excluded. */
function jsonPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (!value || typeof value !== 'object') return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...jsonPaths(v, [...prefix, k])]);
}

/** The JSON with the value at `path` replaced (or deleted when `replacement` is undefined). */
function replaced(json: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(json) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (replacement === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = replacement;
  return copy;
}

/** What a crafted model.json puts where a value was: huge or negative sizes, other types, nothing, any JSON. */
const replacement = fc.oneof(
  fc.constantFrom(...HUGE_VALUES, -1, 1.5, 2 ** 53, 1e308, -0, '', 'x', 'float64', 'complex64', 'string', 'LSTM', 'same', null, true, [], {}, [null], [-1]),
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 2 }),
  fc.array(fc.constantFrom(0, 1, 2, 3, 1e9, -1, 2 ** 31), { maxLength: 5 }),
);

const PARSED = { cnn: JSON.parse(BASES.cnn.json.toString('utf8')) as unknown, lstm: JSON.parse(BASES.lstm.json.toString('utf8')) as unknown };

describe('fuzzed model imports end in a refusal or a model the engine runs', () => {
  it('model.json and weights.bin truncated, bit-flipped and overwritten anywhere', async () => {
    const { db } = await storeWithCnn();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'cnn' | 'lstm'>('cnn', 'cnn', 'lstm'),
        fc.constantFrom('json', 'bin', 'both'),
        edits(undefined, 3),
        async (base, which, list) => {
          const { json, bin } = BASES[base];
          const dir = modelFolder(which === 'bin' ? json : applyEdits(json, list), which === 'json' ? bin : applyEdits(bin, list));
          await expectModelOutcome(db, dir, 'model bytes');
        },
      ),
      fuzzRuns(1500),
    );
  });

  it('model.json with any value replaced or removed: layer configs, input shapes, manifest shapes, dtypes, paths and byte sizes', async () => {
    const { db } = await storeWithCnn();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'cnn' | 'lstm'>('cnn', 'cnn', 'cnn', 'lstm'),
        fc.array(fc.tuple(fc.nat(), replacement), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (base, changes, keepBin) => {
          let json = PARSED[base];
          for (const [pick, value] of changes) {
            const paths = jsonPaths(json);
            if (paths.length) json = replaced(json, paths[pick % paths.length], value);
          }
          await expectModelOutcome(db, modelFolder(JSON.stringify(json), keepBin ? BASES[base].bin : null), 'model json');
        },
      ),
      fuzzRuns(2000),
    );
  });

  it('weight manifests declaring huge shapes, other dtypes, quantization, missing or repeated shards', async () => {
    const { db } = await storeWithCnn();
    const weights = (PARSED.cnn as { weightsManifest: { weights: { name: string; shape: number[]; dtype: string }[] }[] }).weightsManifest[0].weights;
    const entry = fc.record({
      index: fc.nat(weights.length - 1),
      shape: fc.option(fc.array(fc.constantFrom(...HUGE_VALUES, -1, 1.5, 3, 4, 6), { maxLength: 4 })),
      dtype: fc.option(fc.constantFrom('float32', 'int32', 'uint8', 'uint16', 'float16', 'bool', 'complex64', 'string', 'x')),
      quantization: fc.option(
        fc.record({ dtype: fc.constantFrom('uint8', 'uint16', 'float16', 'int8'), scale: fc.double(), min: fc.double() }, { requiredKeys: [] }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { minLength: 1, maxLength: 3 }),
        fc.constantFrom<unknown>(
          ['weights.bin'],
          ['weights.bin', 'weights.bin'],
          [],
          ['missing.bin'],
          'weights.bin',
          [5],
          ['./weights.bin'],
          ['weights.bin\u0000.png'],
        ),
        async (changes, paths) => {
          const json = structuredClone(PARSED.cnn) as { weightsManifest: { paths: unknown; weights: Record<string, unknown>[] }[] };
          const group = json.weightsManifest[0];
          group.paths = paths;
          for (const c of changes) {
            const w = group.weights[c.index];
            if (c.shape) w.shape = c.shape;
            if (c.dtype) w.dtype = c.dtype;
            if (c.quantization) w.quantization = c.quantization;
          }
          await expectModelOutcome(db, modelFolder(JSON.stringify(json), BASES.cnn.bin), 'manifest');
        },
      ),
      fuzzRuns(1000),
    );
  });
});

describe('model files the fuzzing found mishandled, refused by name', () => {
  const cases: [string, () => { json: unknown; bin: Buffer | null }, RegExp][] = [
    [
      'a weights.bin whose first float is NaN (the model would predict NaN for everything)',
      () => {
        const bin = Buffer.from(BASES.cnn.bin);
        bin.writeUInt32BE(0x7fffffff, 0);
        return { json: PARSED.cnn, bin };
      },
      /model\.json: weight 'conv\/kernel' holds NaN \(value 1 of 36\): a weight file is damaged/,
    ],
    [
      'a manifest entry without a shape (a TypeError in the byte count)',
      () => ({ json: replaced(PARSED.cnn, ['weightsManifest', 0, 'weights', 2, 'shape'], undefined), bin: BASES.cnn.bin }),
      /weightsManifest\[0\]\.weights\[2\] \('hidden\/kernel'\) has shape undefined, not a list of whole numbers/,
    ],
    [
      'a weight file named by a number (a TypeError in the path check)',
      () => ({ json: replaced(PARSED.cnn, ['weightsManifest', 0, 'paths'], [5]), bin: BASES.cnn.bin }),
      /weightsManifest\[0\]\.paths must be a list of weight file names, not \[5\]/,
    ],
    [
      'a weight file named by its folder (EISDIR)',
      () => ({ json: replaced(PARSED.cnn, ['weightsManifest', 0, 'paths'], ['.']), bin: BASES.cnn.bin }),
      /names the weight file '\.', which is a folder, not a file/,
    ],
    [
      'a topology listing null as a layer (a TypeError in the layer check)',
      () => ({ json: replaced(PARSED.cnn, ['modelTopology', 'config', 'layers', 1], null), bin: BASES.cnn.bin }),
      /the model topology lists null where a layer \(\{"class_name": …, "config": …\}\) belongs/,
    ],
    ['a model.json holding null (a TypeError reading its format)', () => ({ json: null, bin: BASES.cnn.bin }), /model\.json holds null, not a model/],
  ];
  for (const [what, make, message] of cases) {
    it(`refuses ${what}, and stores nothing`, async () => {
      const { db } = await storeWithCnn();
      const { json, bin } = make();
      await expect(importModelAt(db, modelFolder(JSON.stringify(json), bin), 'model-bad')).rejects.toThrow(message);
      expect(importedModels(db)).toBe(1);
    });
  }
});
