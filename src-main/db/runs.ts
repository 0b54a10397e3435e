import type { RunHeadline, RunKind, RunStatus } from '../../src-shared/api';
import type { BackendName } from '../../src-shared/config';
import { parseRunConfig, type StoredRunConfig } from '../../src-shared/run-record';
import { nowIso, type Db } from './types';

/**
 * A run as stored, its config parsed by the run-record schema. A row whose config does not parse
 * (a hand-edited or damaged store) is still listed: `config` null, status 'failed' and `error`
 * naming the run and each bad field; its headline is withheld (nothing says what it measures) and
 * it can never run.
 */
export interface RunRecord {
  id: string;
  studyId: string | null;
  studyName: string;
  kind: RunKind;
  methodId: string;
  seed: number;
  baseModelId: string | null;
  config: StoredRunConfig | null;
  status: RunStatus;
  error: string | null;
  backend: BackendName | null;
  headline: RunHeadline | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** The host process that trains it (or last trained it); null before any did. */
  owner: string | null;
  /** How many times a host has started it (a resumed run counts each start). */
  attempts: number;
  /** Hidden from the Runs view unless archived runs are shown; kept whole. */
  archived: boolean;
}

interface Row {
  id: string;
  study_id: string | null;
  study_name: string | null;
  kind: RunKind;
  method_id: string;
  seed: number;
  base_model_id: string | null;
  config_json: string;
  status: RunStatus;
  error: string | null;
  backend: BackendName | null;
  headline_json: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  owner: string | null;
  attempts: number;
  archived_at: string | null;
}

const SELECT = `SELECT runs.*, studies.name AS study_name FROM runs LEFT JOIN studies ON studies.id = runs.study_id`;

function toRecord(row: Row): RunRecord {
  const parsed = readConfig(row);
  const readable = parsed.ok
    ? { config: parsed.config, status: row.status, error: row.error, headline: row.headline_json ? JSON.parse(row.headline_json) : null }
    : { config: null, status: 'failed' as const, error: parsed.error, headline: null };
  return {
    id: row.id,
    studyId: row.study_id,
    studyName: row.study_name ?? '',
    kind: row.kind,
    methodId: row.method_id,
    seed: row.seed,
    baseModelId: row.base_model_id,
    ...readable,
    backend: row.backend,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    owner: row.owner,
    attempts: row.attempts,
    archived: row.archived_at !== null,
  };
}

function readConfig(row: Row): ReturnType<typeof parseRunConfig> {
  let json: unknown;
  try {
    json = JSON.parse(row.config_json);
  } catch (err) {
    return { ok: false, error: `the stored config of run ${row.id} is unreadable: not JSON (${(err as Error).message})` };
  }
  const parsed = parseRunConfig(json, row.id);
  if (parsed.ok && parsed.config.kind !== row.kind)
    return { ok: false, error: `the stored config of run ${row.id} is unreadable: kind: '${parsed.config.kind}', but the run is a ${row.kind} run` };
  return parsed;
}

/** Stores a queued run with its config; kind, method and seed are indexed copies of the config's. */
export function insertRun(db: Db, r: { id: string; studyId: string | null; baseModelId: string | null; config: StoredRunConfig }): void {
  const { config } = r;
  const [methodId, seed] = config.kind === 'pretrain' ? ['pretrain', config.baseModel.pretrain.seed] : [config.method.id, config.seed];
  db.prepare(
    `INSERT INTO runs (id, study_id, kind, method_id, seed, base_model_id, config_json, status, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?)`,
  ).run(r.id, r.studyId, config.kind, methodId, seed, r.baseModelId, JSON.stringify(config), nowIso());
}

/** One run by id. */
export function getRun(db: Db, id: string): RunRecord | null {
  const row = db.prepare(`${SELECT} WHERE runs.id = ?`).get(id) as Row | undefined;
  return row ? toRecord(row) : null;
}

/** Every run, newest first (insertion order breaks ties so a study's runs stay in order); or one slice of that order. */
export function listRuns(db: Db, slice?: { offset: number; limit: number }): RunRecord[] {
  const order = `${SELECT} ORDER BY runs.created_at DESC, runs.rowid DESC`;
  const rows = slice ? db.prepare(`${order} LIMIT ? OFFSET ?`).all(slice.limit, slice.offset) : db.prepare(order).all();
  return (rows as Row[]).map(toRecord);
}

/** How many runs the store holds. */
export function countRuns(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;
}

/** Records the backend a run trains on. */
export function setRunBackend(db: Db, id: string, backend: BackendName): void {
  db.prepare(`UPDATE runs SET backend = ? WHERE id = ?`).run(backend, id);
}

/** Stores a run's headline numbers. */
export function setRunHeadline(db: Db, id: string, headline: RunHeadline | null): void {
  db.prepare(`UPDATE runs SET headline_json = ? WHERE id = ?`).run(headline ? JSON.stringify(headline) : null, id);
}

/** Ends a run (completed, cancelled or failed); a run already ended keeps its first ending. */
export function endRun(db: Db, id: string, status: Exclude<RunStatus, 'queued' | 'running'>, error: string | null = null): boolean {
  const result = db
    .prepare(`UPDATE runs SET status = ?, error = ?, ended_at = ?, lease_until = NULL WHERE id = ? AND status IN ('queued', 'running')`)
    .run(status, error, nowIso(), id);
  return result.changes > 0;
}

/** The runs of a study, in the order they were launched. */
export function runsOfStudy(db: Db, studyId: string): RunRecord[] {
  return (db.prepare(`${SELECT} WHERE runs.study_id = ? ORDER BY runs.rowid`).all(studyId) as Row[]).map(toRecord);
}

/** How many of these runs are still queued or running. */
export function countUnfinished(db: Db, ids: string[]): number {
  if (ids.length === 0) return 0;
  const row = db
    .prepare(`SELECT COUNT(*) AS n FROM runs WHERE status IN ('queued', 'running') AND id IN (SELECT value FROM json_each(?))`)
    .get(JSON.stringify(ids)) as { n: number };
  return row.n;
}
