/** Schema version 5: imported datasets (features in float32 chunks, text as rows) and imported base models. */
export const migration005 = {
  version: 5,
  name: 'datasets-models',
  sql: `
    CREATE TABLE datasets (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('tabular', 'images', 'text')),
      format TEXT NOT NULL,
      origin TEXT NOT NULL,
      -- 'importing' rows are invisible and removed on failure or at the next start.
      status TEXT NOT NULL CHECK (status IN ('importing', 'ready')),
      n INTEGER NOT NULL,
      shape_json TEXT NOT NULL,
      classes_json TEXT NOT NULL,
      -- int32 little-endian class index per row; uint8 per row, 0 train / 1 eval.
      labels BLOB,
      split BLOB,
      split_json TEXT NOT NULL,
      meta_json TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    -- Rows [first_row, first_row + rows) as float32 little-endian, row-major.
    CREATE TABLE dataset_chunks (
      dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      first_row INTEGER NOT NULL,
      rows INTEGER NOT NULL,
      x BLOB NOT NULL,
      PRIMARY KEY (dataset_id, seq)
    ) STRICT;

    CREATE TABLE dataset_texts (
      dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      row INTEGER NOT NULL,
      text TEXT NOT NULL,
      PRIMARY KEY (dataset_id, row)
    ) STRICT;

    CREATE TABLE imported_models (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      format TEXT NOT NULL,
      origin TEXT NOT NULL,
      summary_json TEXT NOT NULL,
      engine_spec_json TEXT NOT NULL,
      topology_json TEXT NOT NULL,
      manifest_json TEXT NOT NULL,
      weights BLOB NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
  `,
};
