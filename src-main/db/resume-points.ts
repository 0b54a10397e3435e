import type { ResumePoint } from '../../src-shared/checkpoint';
import { nowIso, type Db } from './types';

/** Stores a run's latest resume point, replacing the one before (only the last is ever needed). */
export function saveResumePoint(db: Db, runId: string, point: ResumePoint): void {
  db.prepare(
    `INSERT INTO resume_points (run_id, step, eval_count, state, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id) DO UPDATE SET step = excluded.step, eval_count = excluded.eval_count, state = excluded.state, created_at = excluded.created_at`,
  ).run(runId, point.step, point.evalCount, Buffer.from(point.state.buffer, point.state.byteOffset, point.state.byteLength), nowIso());
}

/** A run's latest resume point, or null. */
export function getResumePoint(db: Db, runId: string): ResumePoint | null {
  const row = db.prepare(`SELECT step, eval_count, state FROM resume_points WHERE run_id = ?`).get(runId) as
    { step: number; eval_count: number; state: Buffer } | undefined;
  return row ? { step: row.step, evalCount: row.eval_count, state: new Uint8Array(row.state) } : null;
}

/** Where a run's latest resume point stands (step), without loading it; null when it has none. */
export function resumeStepOf(db: Db, runId: string): number | null {
  const row = db.prepare(`SELECT step FROM resume_points WHERE run_id = ?`).get(runId) as { step: number } | undefined;
  return row ? row.step : null;
}

/** Drops a run's resume point (its final weights are stored, or it starts over). */
export function deleteResumePoint(db: Db, runId: string): void {
  db.prepare(`DELETE FROM resume_points WHERE run_id = ?`).run(runId);
}
