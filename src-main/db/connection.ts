import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrate';

/** The store's file name inside the data directory. */
export const STORE_FILE = 'retainlab.sqlite';

/** Opens (creating if needed) the experiment store: WAL, foreign keys on, migrated to the latest schema. */
export function openStore(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, STORE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
