/**
 * Schema version 10: a run can be archived: kept with everything stored for it, but hidden from the
 * Runs view unless asked for. NULL means not archived.
 */
export const migration010 = {
  version: 10,
  name: 'run-archive',
  sql: `ALTER TABLE runs ADD COLUMN archived_at TEXT;`,
};
