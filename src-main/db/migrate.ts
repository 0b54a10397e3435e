import type Database from 'better-sqlite3';
import { migration001 } from './migrations/001-initial';
import { migration002 } from './migrations/002-run-logs';
import { migration003 } from './migrations/003-evaluation-extras';
import { migration004 } from './migrations/004-run-annotations';
import { migration005 } from './migrations/005-datasets-models';
import { migration006 } from './migrations/006-run-predictions';
import { migration007 } from './migrations/007-run-record';
import { migration008 } from './migrations/008-run-queue';
import { migration009 } from './migrations/009-import-lease';
import { migration010 } from './migrations/010-run-archive';
import { migration011 } from './migrations/011-evaluation-generality';
import { migration012 } from './migrations/012-model-weight-chunks';

/**
 * A numbered schema change; a merged migration is never edited, a new one is added. `sql` changes
 * the schema; `up` moves data with code (after `sql`, in the same transaction).
 */
export interface Migration {
  version: number;
  name: string;
  sql?: string;
  up?: (db: Database.Database) => void;
}

/** Every migration in order. */
export const MIGRATIONS: Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
];

/** The schema version this build writes. */
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Applies the migrations newer than the file's `PRAGMA user_version`, each in its own transaction.
 * A file from a newer build is refused rather than guessed at.
 */
export function migrate(db: Database.Database, upTo = LATEST_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_VERSION) {
    throw new Error(`The store was written by a newer RetainLab (schema ${current}; this build knows up to ${LATEST_VERSION}). Update RetainLab to open it.`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > upTo) continue;
    // IMMEDIATE, and the version read again inside: another process opening the same store at the
    // same moment may have applied this migration while this one waited for the lock.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      if (m.sql) db.exec(m.sql);
      m.up?.(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
