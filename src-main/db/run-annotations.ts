import { nowIso, type Db } from './types';

/** A run's tags (sorted) and note ('' when none). */
export interface RunAnnotations {
  tags: string[];
  note: string;
}

/** Every run's annotations at once, for listing many runs without one query per run. */
export function allAnnotations(db: Db): Map<string, RunAnnotations> {
  const out = new Map<string, RunAnnotations>();
  const entry = (id: string) => out.get(id) ?? out.set(id, { tags: [], note: '' }).get(id)!;
  for (const r of db.prepare(`SELECT run_id, tag FROM run_tags ORDER BY tag`).all() as { run_id: string; tag: string }[]) entry(r.run_id).tags.push(r.tag);
  for (const r of db.prepare(`SELECT run_id, note FROM run_notes`).all() as { run_id: string; note: string }[]) entry(r.run_id).note = r.note;
  return out;
}

/** One run's annotations. */
export function annotationsOf(db: Db, runId: string): RunAnnotations {
  const tags = (db.prepare(`SELECT tag FROM run_tags WHERE run_id = ? ORDER BY tag`).all(runId) as { tag: string }[]).map((r) => r.tag);
  const note = (db.prepare(`SELECT note FROM run_notes WHERE run_id = ?`).get(runId) as { note: string } | undefined)?.note ?? '';
  return { tags, note };
}

/** Replaces a run's tags with the given set, in one transaction. */
export function setTags(db: Db, runId: string, tags: readonly string[]): void {
  const remove = db.prepare(`DELETE FROM run_tags WHERE run_id = ?`);
  const insert = db.prepare(`INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)`);
  db.transaction(() => {
    remove.run(runId);
    for (const tag of tags) insert.run(runId, tag);
  })();
}

/** Sets a run's note; an empty note deletes it. */
export function setNote(db: Db, runId: string, note: string): void {
  if (note === '') db.prepare(`DELETE FROM run_notes WHERE run_id = ?`).run(runId);
  else
    db.prepare(
      `INSERT INTO run_notes (run_id, note, updated_at) VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET note = excluded.note, updated_at = excluded.updated_at`,
    ).run(runId, note, nowIso());
}
