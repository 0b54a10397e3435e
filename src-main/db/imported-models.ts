import type { ImportedModelSummary } from '../../src-shared/datasets';
import type { WeightEntry } from '../../src-shared/checkpoint';
import type { ImportedEngineSpec } from '../../src-shared/layer-spec';
import { nowIso, type Db } from './types';

/** An imported model as stored: its summary, the engine's view of it, the original topology and the weights. */
export interface ImportedModelRecord {
  summary: ImportedModelSummary;
  engineSpec: ImportedEngineSpec;
  /** The model.json `modelTopology`, kept so the original can be rebuilt with tfjs; a Hugging Face checkpoint's HfTopology (config.json and tokenizer). */
  topology: unknown;
  /** Where each engine weight (`<layer>/kernel`, `<layer>/bias`) lies in `weights`. */
  manifest: WeightEntry[];
  /** float32 little-endian. */
  weights: Uint8Array;
}

interface Row {
  summary_json: string;
  engine_spec_json: string;
  topology_json: string;
  manifest_json: string;
  weights: Buffer;
}

/** Stores an imported model. */
export function insertImportedModel(
  db: Db,
  m: Omit<ImportedModelRecord, 'summary'> & { summary: Omit<ImportedModelSummary, 'createdAt'> },
): ImportedModelSummary {
  const summary = { ...m.summary, createdAt: nowIso() };
  db.prepare(
    `INSERT INTO imported_models (id, name, format, origin, summary_json, engine_spec_json, topology_json, manifest_json, weights, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    summary.id,
    summary.name,
    summary.format ?? 'tfjs-layers',
    summary.origin,
    JSON.stringify(summary),
    JSON.stringify(m.engineSpec),
    JSON.stringify(m.topology),
    JSON.stringify(m.manifest),
    Buffer.from(m.weights.buffer, m.weights.byteOffset, m.weights.byteLength),
    summary.createdAt,
  );
  return summary;
}

/** Every imported model's summary, newest first. */
export function listImportedModelSummaries(db: Db): ImportedModelSummary[] {
  return (db.prepare(`SELECT summary_json FROM imported_models ORDER BY created_at DESC, rowid DESC`).all() as { summary_json: string }[]).map(
    (r) => JSON.parse(r.summary_json) as ImportedModelSummary,
  );
}

/** One imported model with its weights, for the engine. */
export function getImportedModel(db: Db, id: string): ImportedModelRecord | null {
  const row = db.prepare(`SELECT * FROM imported_models WHERE id = ?`).get(id) as Row | undefined;
  if (!row) return null;
  return {
    summary: JSON.parse(row.summary_json) as ImportedModelSummary,
    engineSpec: JSON.parse(row.engine_spec_json) as ImportedEngineSpec,
    topology: JSON.parse(row.topology_json),
    manifest: JSON.parse(row.manifest_json) as WeightEntry[],
    weights: new Uint8Array(row.weights),
  };
}

/** An imported model's summary and original topology (a Hugging Face checkpoint's tokenizer is in it), without reading its weights. */
export function getImportedTopology(db: Db, id: string): { summary: ImportedModelSummary; topology: unknown } | null {
  const row = db.prepare(`SELECT summary_json, topology_json FROM imported_models WHERE id = ?`).get(id) as
    Pick<Row, 'summary_json' | 'topology_json'> | undefined;
  return row ? { summary: JSON.parse(row.summary_json) as ImportedModelSummary, topology: JSON.parse(row.topology_json) } : null;
}
