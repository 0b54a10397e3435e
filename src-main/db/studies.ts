import type { StudyConfig } from '../../src-shared/config';
import { nowIso, type Db } from './types';

/** Stores a study with its full validated config. */
export function insertStudy(db: Db, id: string, config: StudyConfig): void {
  db.prepare(`INSERT INTO studies (id, name, config_json, created_at) VALUES (?, ?, ?, ?)`).run(id, config.name, JSON.stringify(config), nowIso());
}
