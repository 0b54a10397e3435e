import type Database from 'better-sqlite3';

/** The store's connection (one per host process). */
export type Db = Database.Database;

/** Now as an ISO-8601 timestamp, the store's time format. */
export function nowIso(): string {
  return new Date().toISOString();
}
