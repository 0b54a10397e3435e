import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { getImportedModel } from '../../src-main/db/imported-models';
import type { Db } from '../../src-main/db/types';
import { decodeCheckpoint } from '../../src-main/engine/models/checkpoint';
import { Model } from '../../src-main/engine/models/model';
import { importModelAt } from '../../src-main/import/models/model-import';
import { applyEdits, CASE_MS, edits, expectRefusal, fuzzRuns, HUGE_VALUES, withinDeadline } from './fuzz-harness';
import { tempStores } from './import-helpers';

const GOLDEN = join(__dirname, '..', 'fixtures', 'golden', 'hf');
const store = tempStores();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const count = (db: Db) => (db.prepare('SELECT count(*) AS n FROM imported_models').get() as { n: number }).n;
let caseNo = 0;

/** A copy of a golden folder with some files replaced. */
function folder(root: string, dir: string, files: Record<string, Buffer>): string {
  const out = join(root, `case-${++caseNo}`);
  rmSync(join(root, `case-${caseNo - 1}`), { recursive: true, force: true });
  mkdirSync(out);
  for (const f of readdirSync(join(GOLDEN, dir))) copyFileSync(join(GOLDEN, dir, f), join(out, f));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(out, name), bytes);
  return out;
}

/** The import ends, in time, in a refusal that leaves the store as it was, or in a model the engine builds and runs (then removed again). */
async function expectOutcome(db: Db, dir: string): Promise<void> {
  const before = count(db);
  const id = `fuzz-hf-${caseNo}`;
  try {
    await withinDeadline(importModelAt(db, dir, id), CASE_MS, 'the import');
  } catch (err) {
    if (err instanceof Error && /did not finish within/.test(err.message)) throw err;
    expectRefusal(err);
    expect(count(db)).toBe(before);
    return;
  }
  const stored = getImportedModel(db, id)!;
  const { inputShape, backbone, headUnits, heads } = stored.engineSpec;
  const model = new Model(
    { recipe: 'imported', inputShape, backbone, pretrainClasses: headUnits, targetClasses: null, heads },
    0,
    decodeCheckpoint({ manifest: stored.manifest, data: stored.weights }),
  );
  const logits = tf.tidy(() => model.logits(tf.zeros([1, Math.min(4, inputShape[0])]), 'pretrain').shape);
  model.dispose();
  expect(logits).toEqual([Math.min(4, inputShape[0]), headUnits]);
  db.prepare('DELETE FROM imported_models WHERE id = ?').run(id);
}

/** A safetensors file's header as JSON and its data section. */
function split(dir: string): { header: Record<string, unknown>; data: Buffer } {
  const bytes = readFileSync(join(GOLDEN, dir, 'model.safetensors'));
  const n = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')), data: bytes.subarray(8 + n) };
}

function join8(header: unknown, data: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([size, json, data]);
}

const value = fc.oneof(
  fc.constantFrom(...HUGE_VALUES, -1, 1.5, 2 ** 53, null, true, '', 'I8', 'F16', 'BF16', 'F64', 'U8', 'bert', 'gpt2', 'gelu', 'tanh', [], {}, [-1], [0, 0]),
  fc.array(fc.constantFrom(0, 1, 16, 48, 97, 1e9, -1, 2 ** 31), { maxLength: 4 }),
  fc.constant(undefined),
);

/** The value at a random key of an object (one level down for the header's tensors) replaced, or removed when undefined. */
function mutate(obj: Record<string, unknown>, pick: number, inner: number, v: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  const keys = Object.keys(copy);
  const key = keys[pick % keys.length];
  const child = copy[key];
  if (child && typeof child === 'object' && !Array.isArray(child)) {
    const ck = Object.keys(child);
    const target = child as Record<string, unknown>;
    if (v === undefined) delete target[ck[inner % ck.length]];
    else target[ck[inner % ck.length]] = v;
  } else if (v === undefined) delete copy[key];
  else copy[key] = v;
  return copy;
}

describe('fuzzed Hugging Face imports end in a refusal or a model the engine runs', () => {
  it('safetensors headers and config.json values replaced or removed, files truncated and bit-flipped', async () => {
    const { db, dir: root } = store();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('gpt2-tiny', 'bert-tiny'),
        fc.constantFrom('header', 'config', 'bytes'),
        fc.nat(),
        fc.nat(),
        value,
        edits(undefined, 3),
        async (dir, what, pick, inner, v, list) => {
          let files: Record<string, Buffer>;
          if (what === 'header') {
            const { header, data } = split(dir);
            files = { 'model.safetensors': join8(mutate(header, pick, inner, v), data) };
          } else if (what === 'config') {
            const config = JSON.parse(readFileSync(join(GOLDEN, dir, 'config.json'), 'utf8'));
            files = { 'config.json': Buffer.from(JSON.stringify(mutate(config, pick, inner, v))) };
          } else files = { 'model.safetensors': applyEdits(readFileSync(join(GOLDEN, dir, 'model.safetensors')), list) };
          await expectOutcome(db, folder(root, dir, files));
        },
      ),
      fuzzRuns(300),
    );
  });
});
