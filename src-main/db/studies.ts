import { nowIso, type Db } from './types';

/** Stores a study with what it was launched from: its validated study config, or the run configs launched as they are. */
export function insertStudy(db: Db, id: string, name: string, launchedFrom: object): void {
  db.prepare(`INSERT INTO studies (id, name, config_json, created_at) VALUES (?, ?, ?, ?)`).run(id, name, JSON.stringify(launchedFrom), nowIso());
}
