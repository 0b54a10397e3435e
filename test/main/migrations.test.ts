import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, STORE_FILE } from '../../src-main/db/connection';
import { LATEST_VERSION, migrate } from '../../src-main/db/migrate';
import { listRuns } from '../../src-main/db/runs';
import { findUsableBaseModel } from '../../src-main/db/base-models';
import { appendRunLog, listRunLogs } from '../../src-main/db/run-logs';
import { listEvaluations } from '../../src-main/db/evaluations';
import { ApiService } from '../../src-main/services/api-service';
import { RunHost } from '../../src-main/services/run-host';
import type { FigurePrinter } from '../../src-main/export/figure-printer';
import { storedRunConfigSchema } from '../../src-shared/run-record';
import { tinyRunConfig } from './helpers';

const V6_STORE = join(__dirname, '..', 'fixtures', 'stores', 'v6-store.sqlite');
const noPrinter: FigurePrinter = { pdf: () => Promise.reject(new Error('no printing here')), close: () => Promise.resolve() };

/** The API over a store, with a host whose engine launcher must never be called. */
function apiOver(db: Database.Database): ApiService {
  const host = new RunHost(
    db,
    () => {
      throw new Error('no engine in this test');
    },
    () => {},
  );
  return new ApiService(db, host, { version: 'test', mode: 'browser', dataDir: '' }, noPrinter);
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'retainlab-migrate-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('store migrations', () => {
  it('create the latest schema on an empty file, with WAL, foreign keys and STRICT tables', () => {
    const db = openStore(tempDir());
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table'`).all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name).sort()).toEqual([
      'base_models',
      'checkpoints',
      'dataset_chunks',
      'dataset_texts',
      'datasets',
      'evaluations',
      'imported_model_chunks',
      'imported_models',
      'queue_state',
      'resume_points',
      'run_logs',
      'run_notes',
      'run_predictions',
      'run_tags',
      'runs',
      'studies',
    ]);
    for (const t of tables) expect(t.sql).toMatch(/STRICT\s*$/);
    db.close();
  });

  it('upgrade a file of the previous schema version and keep its runs, reporting a config no migration can read', () => {
    const dir = tempDir();
    const old = new Database(join(dir, STORE_FILE));
    expect(migrate(old, LATEST_VERSION - 1)).toBe(LATEST_VERSION - 1);
    old.prepare(`INSERT INTO studies (id, name, config_json, created_at) VALUES ('study-1', 'old study', '{}', '2026-01-01T00:00:00Z')`).run();
    old
      .prepare(
        `INSERT INTO runs (id, study_id, kind, method_id, seed, config_json, status, headline_json, created_at)
       VALUES ('run-1', 'study-1', 'finetune', 'vanilla', 3, '{"x":1}', 'completed', '{"aPre":0.5}', '2026-01-01T00:00:00Z')`,
      )
      .run();
    old
      .prepare(
        `INSERT INTO evaluations (run_id, seq, step, epoch, phase, a_pre, cd_abs, cd_cond, gained_abs, weight_distance, weight_distance_rel, per_class_json, per_layer_json)
       VALUES ('run-1', 0, 0, 0, 'base', 0.5, 0, 0, 0, 0, 0, '[]', '[]')`,
      )
      .run();
    old.close();

    const db = openStore(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const runs = listRuns(db);
    expect(runs).toHaveLength(1);
    // {"x":1} was never a run config: left as it was, listed, failed, with the reason naming the run and the field.
    expect(db.prepare(`SELECT config_json FROM runs WHERE id = 'run-1'`).get()).toEqual({ config_json: '{"x":1}' });
    expect(runs[0]).toMatchObject({ id: 'run-1', studyName: 'old study', seed: 3, status: 'failed', config: null, headline: null });
    expect(runs[0].error).toMatch(/^the stored config of run run-1 is unreadable: kind: /);
    expect(listEvaluations(db, 'run-1')[0].extras).toEqual({});
    appendRunLog(db, 'run-1', 'hello');
    expect(listRunLogs(db, 'run-1')).toEqual(['hello']);
    db.close();
  });

  it('move rows from before text studies (no data source, no metric) and rekey their base model', () => {
    const dir = tempDir();
    const old = new Database(join(dir, STORE_FILE));
    // Schema 6: before migration 007 moved run configs to the typed run record.
    migrate(old, 6);
    // A run config as the first versions wrote it: the digits' data without `source`, twice, and no metric.
    const { version: _v, kind: _k, metric: _m, ...current } = tinyRunConfig();
    const { source: _s, ...digitsData } = current.baseModel.data as Record<string, unknown>;
    // Nor any weight initialisation (all were Glorot).
    const { init: _i, ...baseModel } = current.baseModel;
    const spec = { ...baseModel, data: digitsData };
    const insertStudy = old.prepare(`INSERT INTO studies (id, name, config_json, created_at) VALUES ('s', 'early study', '{}', '2026-01-01T00:00:00Z')`);
    insertStudy.run();
    old
      .prepare(
        `INSERT INTO base_models (id, name, recipe, spec_key, status, created_at) VALUES ('base-early', 'early', 'mlp', ?, 'ready', '2026-01-01T00:00:00Z')`,
      )
      .run(JSON.stringify(spec));
    const insertRun = old.prepare(
      `INSERT INTO runs (id, study_id, kind, method_id, seed, base_model_id, config_json, status, created_at) VALUES (?, 's', ?, ?, 0, 'base-early', ?, 'completed', '2026-01-01T00:00:00Z')`,
    );
    insertRun.run('run-pre', 'pretrain', 'pretrain', JSON.stringify({ spec, task: 'rotate90', backend: 'auto' }));
    insertRun.run('run-ft', 'finetune', 'vanilla', JSON.stringify({ ...current, data: digitsData, baseModel: spec }));
    old.close();

    const db = openStore(dir);
    const runs = new Map(listRuns(db).map((r) => [r.id, r]));
    expect(runs.get('run-pre')).toMatchObject({
      error: null,
      config: { kind: 'pretrain', studyName: 'early study', metric: 'accuracy', target: { task: 'rotate90' } },
    });
    expect(runs.get('run-ft')).toMatchObject({
      error: null,
      config: { kind: 'finetune', metric: 'accuracy', baseModel: { data: { source: 'mnist-digits' } } },
    });
    expect(runs.get('run-ft')!.config).not.toHaveProperty('data');
    // The base model's identity now has its data's source: the same study launched today finds it.
    expect(findUsableBaseModel(db, runs.get('run-ft')!.config!.baseModel)?.id).toBe('base-early');
    db.close();
  });

  it('refuse a file written by a newer schema instead of guessing', () => {
    const dir = tempDir();
    const future = new Database(join(dir, STORE_FILE));
    future.pragma(`user_version = ${LATEST_VERSION + 1}`);
    future.close();
    expect(() => openStore(dir)).toThrow(/newer RetainLab/);
  });

  it('move the runs of a real schema-6 store into run records that read through the schema', async () => {
    const dir = tempDir();
    copyFileSync(V6_STORE, join(dir, STORE_FILE));
    const db = openStore(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const runs = listRuns(db);
    expect(runs).toHaveLength(7);
    for (const run of runs) {
      expect(run.error).toBeNull();
      expect(storedRunConfigSchema.parse(run.config)).toEqual(run.config);
      expect(run.config).toMatchObject({ version: 1, kind: run.kind });
      expect(run.config).not.toHaveProperty('data');
    }
    const shape = runs.map((r) => [r.config!.studyName, r.kind, r.methodId, r.config!.metric, r.config!.baseModel.data.source, r.config!.target.task]);
    expect(shape.sort()).toEqual([
      ['v6 digits', 'finetune', 'lora', 'accuracy', 'mnist-digits', 'rotate90'],
      ['v6 digits', 'finetune', 'vanilla', 'accuracy', 'mnist-digits', 'rotate90'],
      ['v6 digits', 'pretrain', 'pretrain', 'accuracy', 'mnist-digits', 'rotate90'],
      ['v6 library', 'finetune', 'l2-sp', 'accuracy', 'library', 'dataset'],
      ['v6 library', 'pretrain', 'pretrain', 'accuracy', 'library', 'dataset'],
      ['v6 text', 'finetune', 'vanilla', 'loss', 'text', 'sotu-late'],
      ['v6 text', 'pretrain', 'pretrain', 'loss', 'text', 'sotu-late'],
    ]);
    const lora = runs.find((r) => r.methodId === 'lora')!.config!;
    expect(lora.kind === 'finetune' && lora.method).toMatchObject({ id: 'lora', params: { rank: 2 }, with: [{ id: 'wiseft' }] });
    const text = runs.find((r) => r.kind === 'finetune' && r.config!.metric === 'loss')!.config!;
    expect(text.kind === 'finetune' && text.lossRise).toBe(0.1);
    // The one data block is the base model's: the library run's own copy (standardize: true, meaningless for images) is gone.
    const library = runs.find((r) => r.methodId === 'l2-sp')!.config!;
    expect(library.baseModel.data).toEqual({ source: 'library', pretrain: 'builtin-mnist-digits', minCharCount: 1, standardize: false });

    const api = apiOver(db);
    const listed = (await api.listRuns()).items;
    expect(listed.map((r) => [r.methodId, r.metric, r.status]).sort()).toEqual([
      ['l2-sp', 'accuracy', 'completed'],
      ['lora', 'accuracy', 'completed'],
      ['pretrain', 'accuracy', 'completed'],
      ['pretrain', 'accuracy', 'completed'],
      ['pretrain', 'loss', 'completed'],
      ['vanilla', 'accuracy', 'completed'],
      ['vanilla', 'loss', 'completed'],
    ]);
    const detail = await api.getRun(runs.find((r) => r.methodId === 'l2-sp')!.id);
    expect(detail).toMatchObject({
      recipe: 'mlp',
      task: 'dataset',
      taskLabel: 'MNIST digits → MNIST digits',
      metric: 'accuracy',
      methodLabel: expect.stringContaining('L2-SP'),
    });
    expect(detail.evaluations.length).toBeGreaterThan(0);
    expect((await api.listBaseModels()).map((m) => [m.id, m.metric]).sort()).toEqual([
      ['base-1b280d32', 'loss'],
      ['base-367f5053', 'accuracy'],
      ['base-3b8375f3', 'accuracy'],
    ]);
    const vanilla = runs.find((r) => r.methodId === 'vanilla' && r.config!.metric === 'accuracy')!;
    expect(await api.forgottenSamples(vanilla.id, 2)).toMatchObject({ available: true, inkDark: true });
    db.close();
  });

  it('reuse a migrated base model for a new study identical to the one that pretrained it', async () => {
    const dir = tempDir();
    copyFileSync(V6_STORE, join(dir, STORE_FILE));
    const db = openStore(dir);
    const api = apiOver(db);
    const studies = db.prepare(`SELECT name, config_json FROM studies ORDER BY name`).all() as { name: string; config_json: string }[];
    const reused = await Promise.all(studies.map(async (s) => [s.name, await api.checkStudy(JSON.parse(s.config_json))] as const));
    expect(reused.map(([name, check]) => [name, check.ok && check.reusesBaseModelId])).toEqual([
      ['v6 digits', 'base-367f5053'],
      ['v6 library', 'base-3b8375f3'],
      ['v6 text', 'base-1b280d32'],
    ]);
    db.close();
  });

  it('list a run whose stored config is unreadable as failed with the reason, and never run it', async () => {
    const dir = tempDir();
    const db = openStore(dir);
    const insert = db.prepare(
      `INSERT INTO runs (id, kind, method_id, seed, config_json, status, headline_json, created_at) VALUES (?, 'finetune', 'vanilla', 0, ?, ?, '{"aPre":0.5}', '2026-01-01T00:00:00Z')`,
    );
    insert.run('run-good', JSON.stringify(tinyRunConfig()), 'completed');
    insert.run('run-no-metric', JSON.stringify({ ...tinyRunConfig(), metric: undefined }), 'queued');
    insert.run('run-not-json', '{"kind": "finetune",', 'completed');
    const api = apiOver(db);
    const listed = new Map((await api.listRuns()).items.map((r) => [r.id, r]));
    expect(listed.get('run-good')).toMatchObject({ status: 'completed', error: null, metric: 'accuracy', headline: { aPre: 0.5 } });
    expect(listed.get('run-no-metric')).toMatchObject({
      status: 'failed',
      config: null,
      metric: null,
      headline: null,
      error: expect.stringMatching(/^the stored config of run run-no-metric is unreadable: metric: /),
    });
    expect(listed.get('run-not-json')).toMatchObject({
      status: 'failed',
      config: null,
      error: expect.stringMatching(/^the stored config of run run-not-json is unreadable: not JSON/),
    });
    // The host ended the queued one in the store rather than queueing it forever.
    expect(db.prepare(`SELECT status, error FROM runs WHERE id = 'run-no-metric'`).get()).toEqual({
      status: 'failed',
      error: expect.stringContaining('metric'),
    });
    await expect(api.forgottenSamples('run-not-json', 3)).rejects.toThrow(/run-not-json is unreadable/);
    db.close();
  });

  it('list a base model whose stored spec is unreadable as failed, naming no classes, and never reuse it', async () => {
    const dir = tempDir();
    const db = openStore(dir);
    const spec = tinyRunConfig().baseModel;
    const insert = db.prepare(
      `INSERT INTO base_models (id, name, recipe, spec_key, status, created_at) VALUES (?, ?, 'mlp', ?, 'ready', '2026-01-01T00:00:00Z')`,
    );
    insert.run('base-good', 'good', JSON.stringify(spec));
    insert.run('base-bad', 'bad', JSON.stringify({ ...spec, classes: 'all' }));
    insert.run('base-not-json', 'not json', '{"recipe":');
    const listed = new Map((await apiOver(db).listBaseModels()).map((m) => [m.id, m]));
    expect(listed.get('base-good')).toMatchObject({ status: 'ready', classes: spec.classes });
    expect(listed.get('base-bad')).toMatchObject({ status: 'failed', classes: [], classNames: null });
    expect(listed.get('base-not-json')).toMatchObject({ status: 'failed', classes: [] });
    db.close();
  });
});
