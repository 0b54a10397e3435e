import type { Db } from './types';

/** Stores a run's per-sample record of the pretrain eval set for one phase: predicted class indices (int32) or sequence losses (float32), split order. */
export function setRunPredictions(db: Db, runId: string, phase: 'base' | 'final', predictions: Int32Array | Float32Array): void {
  db.prepare(`INSERT OR REPLACE INTO run_predictions (run_id, phase, predictions) VALUES (?, ?, ?)`).run(
    runId,
    phase,
    Buffer.from(predictions.buffer, predictions.byteOffset, predictions.byteLength),
  );
}

/** A run's stored predictions for one phase (class indices), or null. */
export function getRunPredictions(db: Db, runId: string, phase: 'base' | 'final'): Int32Array | null {
  const row = db.prepare(`SELECT predictions FROM run_predictions WHERE run_id = ? AND phase = ?`).get(runId, phase) as { predictions: Buffer } | undefined;
  return row ? new Int32Array(new Uint8Array(row.predictions).buffer) : null;
}

/** A loss run's stored per-sequence mean token losses for one phase, or null. */
export function getRunSequenceLosses(db: Db, runId: string, phase: 'base' | 'final'): Float32Array | null {
  const row = db.prepare(`SELECT predictions FROM run_predictions WHERE run_id = ? AND phase = ?`).get(runId, phase) as { predictions: Buffer } | undefined;
  return row ? new Float32Array(new Uint8Array(row.predictions).buffer) : null;
}
