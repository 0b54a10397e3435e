import type { Checkpoint } from '../../src-shared/checkpoint';
import { nowIso, type Db } from './types';

/** Stores a run's weights; returns the checkpoint id. */
export function insertCheckpoint(db: Db, runId: string, step: number, checkpoint: Checkpoint): number {
  const result = db
    .prepare(`INSERT INTO checkpoints (run_id, step, manifest_json, weights, created_at) VALUES (?, ?, ?, ?, ?)`)
    .run(
      runId,
      step,
      JSON.stringify(checkpoint.manifest),
      Buffer.from(checkpoint.data.buffer, checkpoint.data.byteOffset, checkpoint.data.byteLength),
      nowIso(),
    );
  return Number(result.lastInsertRowid);
}

/** Loads a checkpoint's weights. */
export function getCheckpoint(db: Db, id: number): Checkpoint | null {
  const row = db.prepare(`SELECT manifest_json, weights FROM checkpoints WHERE id = ?`).get(id) as { manifest_json: string; weights: Buffer } | undefined;
  return row ? { manifest: JSON.parse(row.manifest_json), data: new Uint8Array(row.weights) } : null;
}
