import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, STORE_FILE } from '../../src-main/db/connection';
import { LATEST_VERSION, migrate } from '../../src-main/db/migrate';
import { listRuns } from '../../src-main/db/runs';
import { appendRunLog, listRunLogs } from '../../src-main/db/run-logs';
import { listEvaluations } from '../../src-main/db/evaluations';

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
    const tables = (db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table'`).all() as { name: string; sql: string }[]);
    expect(tables.map((t) => t.name).sort()).toEqual([
      'base_models', 'checkpoints', 'dataset_chunks', 'dataset_texts', 'datasets', 'evaluations', 'imported_models',
      'run_logs', 'run_notes', 'run_predictions', 'run_tags', 'runs', 'studies',
    ]);
    for (const t of tables) expect(t.sql).toMatch(/STRICT\s*$/);
    db.close();
  });

  it('upgrade a file of the previous schema version and keep its runs', () => {
    const dir = tempDir();
    const old = new Database(join(dir, STORE_FILE));
    expect(migrate(old, LATEST_VERSION - 1)).toBe(LATEST_VERSION - 1);
    old.prepare(`INSERT INTO studies (id, name, config_json, created_at) VALUES ('study-1', 'old study', '{}', '2026-01-01T00:00:00Z')`).run();
    old.prepare(
      `INSERT INTO runs (id, study_id, kind, method_id, seed, config_json, status, headline_json, created_at)
       VALUES ('run-1', 'study-1', 'finetune', 'vanilla', 3, '{"x":1}', 'completed', '{"aPre":0.5}', '2026-01-01T00:00:00Z')`,
    ).run();
    old.prepare(
      `INSERT INTO evaluations (run_id, seq, step, epoch, phase, a_pre, cd_abs, cd_cond, gained_abs, weight_distance, weight_distance_rel, per_class_json, per_layer_json)
       VALUES ('run-1', 0, 0, 0, 'base', 0.5, 0, 0, 0, 0, 0, '[]', '[]')`,
    ).run();
    old.close();

    const db = openStore(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const runs = listRuns(db);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: 'run-1', studyName: 'old study', seed: 3, status: 'completed', config: { x: 1 }, headline: { aPre: 0.5 } });
    expect(listEvaluations(db, 'run-1')[0].extras).toEqual({});
    appendRunLog(db, 'run-1', 'hello');
    expect(listRunLogs(db, 'run-1')).toEqual(['hello']);
    db.close();
  });

  it('refuse a file written by a newer schema instead of guessing', () => {
    const dir = tempDir();
    const future = new Database(join(dir, STORE_FILE));
    future.pragma(`user_version = ${LATEST_VERSION + 1}`);
    future.close();
    expect(() => openStore(dir)).toThrow(/newer RetainLab/);
  });
});
