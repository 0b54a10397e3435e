import { nowIso, type Db } from './types';

/** Appends one log line to a run. */
export function appendRunLog(db: Db, runId: string, message: string): void {
  db.prepare(`INSERT INTO run_logs (run_id, seq, at, message) VALUES (?, (SELECT COALESCE(MAX(seq), -1) + 1 FROM run_logs WHERE run_id = ?), ?, ?)`).run(
    runId,
    runId,
    nowIso(),
    message,
  );
}

/** A run's log lines in order. */
export function listRunLogs(db: Db, runId: string): string[] {
  return (db.prepare(`SELECT message FROM run_logs WHERE run_id = ? ORDER BY seq`).all(runId) as { message: string }[]).map((r) => r.message);
}
