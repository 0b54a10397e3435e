import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, STORE_FILE } from '../../src-main/db/connection';
import { getImportedModelInfo, insertImportedModel, readImportedWeights, WEIGHT_CHUNK_BYTES } from '../../src-main/db/imported-models';
import { migrate } from '../../src-main/db/migrate';
import { tempDataDir } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function store(): { dir: string } {
  const temp = tempDataDir();
  cleanups.push(temp.remove);
  return { dir: temp.dir };
}

const model = (id: string, weights: Uint8Array) => ({
  summary: {
    id,
    name: id,
    origin: 'test',
    inputShape: [1, 4, 1],
    headLayer: 'head',
    classes: 2,
    paramCount: 10,
    trainableParamCount: 10,
    layers: [],
    warnings: [],
  },
  engineSpec: { inputShape: [1, 4, 1] as [number, number, number], backbone: [], headUnits: 2, frozen: [] },
  topology: { any: 'thing' },
  manifest: [{ name: 'head/kernel', shape: [4, 2], offset: 0, length: 8 }],
  weights,
});

describe('imported model weights in the store', () => {
  it('are stored in chunks and read back byte for byte; the info is read without them', () => {
    const { dir } = store();
    const db = openStore(dir);
    cleanups.push(() => db.close());
    // Two full chunks and a part of a third, from a view into a larger buffer (the import hands such views over).
    const backing = new Uint8Array(2 * WEIGHT_CHUNK_BYTES + 1000 + 8);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 7919) & 255;
    const weights = backing.subarray(8);
    insertImportedModel(db, model('big', weights));
    const chunks = db.prepare(`SELECT seq, length(data) AS bytes FROM imported_model_chunks WHERE model_id = 'big' ORDER BY seq`).all();
    expect(chunks).toEqual([
      { seq: 0, bytes: WEIGHT_CHUNK_BYTES },
      { seq: 1, bytes: WEIGHT_CHUNK_BYTES },
      { seq: 2, bytes: 1000 },
    ]);
    expect(Buffer.compare(Buffer.from(readImportedWeights(db, 'big')), Buffer.from(weights))).toBe(0);
    expect(getImportedModelInfo(db, 'big')).toMatchObject({ topology: { any: 'thing' }, manifest: [{ name: 'head/kernel' }] });
    expect('weights' in getImportedModelInfo(db, 'big')!).toBe(false);
    // An empty model still has its (empty) weights.
    insertImportedModel(db, model('empty', new Uint8Array(0)));
    expect(readImportedWeights(db, 'empty')).toHaveLength(0);
  });

  it('moves the weights of a model stored before chunks into its first chunk', () => {
    const { dir } = store();
    const old = new Database(join(dir, STORE_FILE));
    migrate(old, 11);
    const weights = Buffer.from(Float32Array.of(1, 2, 3, -4.5).buffer);
    old
      .prepare(
        `INSERT INTO imported_models (id, name, format, origin, summary_json, engine_spec_json, topology_json, manifest_json, weights, created_at)
         VALUES ('m', 'm', 'tfjs-layers', 'o', '{}', '{}', '{}', '[]', ?, '2026-01-01T00:00:00Z')`,
      )
      .run(weights);
    old.close();
    const db = openStore(dir);
    cleanups.push(() => db.close());
    expect(Buffer.from(readImportedWeights(db, 'm'))).toEqual(weights);
    expect(db.prepare(`SELECT length(weights) AS n FROM imported_models`).get()).toEqual({ n: 0 });
  });
});
