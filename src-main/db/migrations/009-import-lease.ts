/**
 * Schema version 9: an import holds a lease on its hidden 'importing' row, renewed as it writes. Any
 * process that opens the store clears an import whose lease ran out (its process died), instead of
 * waiting hours to be sure; rows from before this version have no lease and count as abandoned.
 */
export const migration009 = {
  version: 9,
  name: 'import-lease',
  sql: `ALTER TABLE datasets ADD COLUMN lease_until INTEGER;`,
};
