/**
 * Schema version 12: an imported model's weights are stored in chunks (as datasets are), so importing or reading
 * a large checkpoint never holds its weights twice (SQLite copies a bound value; one row of 420 MB cost that much
 * again). Existing models move their weights into one chunk each; the old column is left empty.
 */
export const migration012 = {
  version: 12,
  name: 'model-weight-chunks',
  sql: `
    CREATE TABLE imported_model_chunks (
      model_id TEXT NOT NULL REFERENCES imported_models (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      data BLOB NOT NULL,
      PRIMARY KEY (model_id, seq)
    ) STRICT;
    INSERT INTO imported_model_chunks (model_id, seq, data) SELECT id, 0, weights FROM imported_models;
    UPDATE imported_models SET weights = X'';
  `,
};
