import { nowIso, type Db } from './types';

/** Stores a study with what it was launched from: its validated study config, or the run configs launched as they are. */
export function insertStudy(db: Db, id: string, name: string, launchedFrom: object): void {
  db.prepare(`INSERT INTO studies (id, name, config_json, created_at) VALUES (?, ?, ?, ?)`).run(id, name, JSON.stringify(launchedFrom), nowIso());
}

/** The latest study launched from exactly this config (the same JSON), or null. */
export function findStudyByConfig(db: Db, launchedFrom: object): { id: string; name: string } | null {
  const row = db
    .prepare(`SELECT id, name FROM studies WHERE config_json = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`)
    .get(JSON.stringify(launchedFrom)) as { id: string; name: string } | undefined;
  return row ?? null;
}

/** A stored study with what it was launched from (parsed: a study config, or the list of run configs launched as they are); null when there is none. */
export function getStudyRecord(db: Db, id: string): { id: string; name: string; createdAt: string; launchedFrom: unknown } | null {
  const row = db.prepare(`SELECT id, name, config_json, created_at FROM studies WHERE id = ?`).get(id) as
    { id: string; name: string; config_json: string; created_at: string } | undefined;
  return row ? { id: row.id, name: row.name, createdAt: row.created_at, launchedFrom: JSON.parse(row.config_json) } : null;
}

/** A study with how many of its runs are in each status. */
export interface StudyCounts {
  id: string;
  name: string;
  createdAt: string;
  counts: Record<'queued' | 'running' | 'completed' | 'cancelled' | 'failed', number>;
}

/** Every study with its runs counted by status, newest first. */
export function listStudyCounts(db: Db): StudyCounts[] {
  const rows = db
    .prepare(
      `SELECT studies.id, studies.name, studies.created_at, runs.status, COUNT(runs.id) AS n
       FROM studies LEFT JOIN runs ON runs.study_id = studies.id
       GROUP BY studies.id, runs.status ORDER BY studies.created_at DESC, studies.rowid DESC`,
    )
    .all() as { id: string; name: string; created_at: string; status: keyof StudyCounts['counts'] | null; n: number }[];
  const studies = new Map<string, StudyCounts>();
  for (const r of rows) {
    let study = studies.get(r.id);
    if (!study) {
      study = { id: r.id, name: r.name, createdAt: r.created_at, counts: { queued: 0, running: 0, completed: 0, cancelled: 0, failed: 0 } };
      studies.set(r.id, study);
    }
    if (r.status) study.counts[r.status] += r.n;
  }
  return [...studies.values()];
}
