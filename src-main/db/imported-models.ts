import type { ImportedModelSummary } from '../../src-shared/datasets';
import type { WeightEntry } from '../../src-shared/checkpoint';
import type { ImportedEngineSpec } from '../../src-shared/layer-spec';
import { nowIso, type Db } from './types';

/** An imported model as checks and study resolution read it: its summary, the engine's view of it, the original topology, where its weights lie. */
export interface ImportedModelInfo {
  summary: ImportedModelSummary;
  engineSpec: ImportedEngineSpec;
  /** The model.json `modelTopology`, kept so the original can be rebuilt with tfjs; a Hugging Face checkpoint's HfTopology (config.json and tokenizer). */
  topology: unknown;
  /** Where each engine weight (`<layer>/kernel`, `<layer>/bias`) lies in `weights`. */
  manifest: WeightEntry[];
}

/** An imported model as stored: its info and its weights. */
export interface ImportedModelRecord extends ImportedModelInfo {
  /** float32 little-endian. */
  weights: Uint8Array;
}

interface Row {
  summary_json: string;
  engine_spec_json: string;
  topology_json: string;
  manifest_json: string;
}

/** Bytes of weights per stored chunk: SQLite copies each bound chunk, so this is all an import holds twice. */
export const WEIGHT_CHUNK_BYTES = 16 << 20;

/** Stores an imported model, its weights in chunks of WEIGHT_CHUNK_BYTES, in one transaction. */
export function insertImportedModel(
  db: Db,
  m: Omit<ImportedModelRecord, 'summary'> & { summary: Omit<ImportedModelSummary, 'createdAt'> },
): ImportedModelSummary {
  const summary = { ...m.summary, createdAt: nowIso() };
  const row = db.prepare(
    `INSERT INTO imported_models (id, name, format, origin, summary_json, engine_spec_json, topology_json, manifest_json, weights, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, X'', ?)`,
  );
  const chunk = db.prepare(`INSERT INTO imported_model_chunks (model_id, seq, data) VALUES (?, ?, ?)`);
  const { weights } = m;
  db.transaction(() => {
    row.run(
      summary.id,
      summary.name,
      summary.format ?? 'tfjs-layers',
      summary.origin,
      JSON.stringify(summary),
      JSON.stringify(m.engineSpec),
      JSON.stringify(m.topology),
      JSON.stringify(m.manifest),
      summary.createdAt,
    );
    for (let at = 0, seq = 0; at < weights.byteLength || seq === 0; at += WEIGHT_CHUNK_BYTES, seq++) {
      const end = Math.min(at + WEIGHT_CHUNK_BYTES, weights.byteLength);
      chunk.run(summary.id, seq, Buffer.from(weights.buffer, weights.byteOffset + at, end - at));
    }
  })();
  return summary;
}

/** Every imported model's summary, newest first. */
export function listImportedModelSummaries(db: Db): ImportedModelSummary[] {
  return (db.prepare(`SELECT summary_json FROM imported_models ORDER BY created_at DESC, rowid DESC`).all() as { summary_json: string }[]).map(
    (r) => JSON.parse(r.summary_json) as ImportedModelSummary,
  );
}

/** One imported model's info, without reading its weights (checks and study resolution need no more). */
export function getImportedModelInfo(db: Db, id: string): ImportedModelInfo | null {
  const row = db.prepare(`SELECT summary_json, engine_spec_json, topology_json, manifest_json FROM imported_models WHERE id = ?`).get(id) as Row | undefined;
  if (!row) return null;
  return {
    summary: JSON.parse(row.summary_json) as ImportedModelSummary,
    engineSpec: JSON.parse(row.engine_spec_json) as ImportedEngineSpec,
    topology: JSON.parse(row.topology_json),
    manifest: JSON.parse(row.manifest_json) as WeightEntry[],
  };
}

/** An imported model's weights, gathered from their chunks into one buffer (each chunk copied once, straight into place). */
export function readImportedWeights(db: Db, id: string): Uint8Array {
  const { bytes } = db.prepare(`SELECT COALESCE(SUM(length(data)), 0) AS bytes FROM imported_model_chunks WHERE model_id = ?`).get(id) as { bytes: number };
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const { data } of db.prepare(`SELECT data FROM imported_model_chunks WHERE model_id = ? ORDER BY seq`).iterate(id) as Iterable<{ data: Buffer }>) {
    out.set(data, at);
    at += data.byteLength;
  }
  return out;
}

/** One imported model with its weights, for the engine. */
export function getImportedModel(db: Db, id: string): ImportedModelRecord | null {
  const info = getImportedModelInfo(db, id);
  return info ? { ...info, weights: readImportedWeights(db, id) } : null;
}

/** An imported model's summary and original topology (a Hugging Face checkpoint's tokenizer is in it), without reading its weights. */
export function getImportedTopology(db: Db, id: string): { summary: ImportedModelSummary; topology: unknown } | null {
  const row = db.prepare(`SELECT summary_json, topology_json FROM imported_models WHERE id = ?`).get(id) as
    Pick<Row, 'summary_json' | 'topology_json'> | undefined;
  return row ? { summary: JSON.parse(row.summary_json) as ImportedModelSummary, topology: JSON.parse(row.topology_json) } : null;
}
