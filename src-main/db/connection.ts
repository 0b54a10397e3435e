import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrate';
import { reclaimSpace, removeUnfinishedImports } from './datasets';

/** The store's file name inside the data directory. */
export const STORE_FILE = 'retainlab.sqlite';

/** Opens (creating if needed) the experiment store: WAL, foreign keys on, migrated to the latest schema. */
export function openStore(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, STORE_FILE));
  // The busy timeout first: another process may be creating or migrating the same store right now.
  db.pragma('busy_timeout = 5000');
  // A new store gives the space of deleted imports and runs back to the file system as it goes
  // (this takes effect only before the first table exists; older stores: `retainlab store compact`).
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  const before = db.pragma('user_version', { simple: true }) as number;
  migrate(db);
  // Migration 12 moved imported weights into chunks, leaving the old copies' pages free.
  if (before > 0 && before < 12) reclaimSpace(db);
  // An import cut short by a process that died never became visible; its rows are garbage now.
  removeUnfinishedImports(db);
  return db;
}
