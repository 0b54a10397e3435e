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
  // The busy timeout first: another process may be creating or migrating the same store right now.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}
