/** Schema version 1: base models, studies, runs, per-evaluation metrics and checkpoints. */
export const migration001 = {
  version: 1,
  name: 'initial',
  sql: `
    CREATE TABLE base_models (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      recipe TEXT NOT NULL,
      spec_key TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pretraining', 'ready', 'failed')),
      pretrain_run_id TEXT,
      checkpoint_id INTEGER,
      a_pre REAL,
      param_count INTEGER,
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX base_models_by_spec ON base_models (spec_key);

    CREATE TABLE studies (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      config_json TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE runs (
      id TEXT PRIMARY KEY,
      study_id TEXT REFERENCES studies (id),
      kind TEXT NOT NULL CHECK (kind IN ('pretrain', 'finetune')),
      method_id TEXT NOT NULL,
      seed INTEGER NOT NULL,
      base_model_id TEXT REFERENCES base_models (id),
      config_json TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'cancelled', 'failed')),
      error TEXT,
      backend TEXT,
      headline_json TEXT,
      created_at TEXT NOT NULL,
      started_at TEXT,
      ended_at TEXT
    ) STRICT;
    CREATE INDEX runs_by_study ON runs (study_id);

    CREATE TABLE evaluations (
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      step INTEGER NOT NULL,
      epoch INTEGER NOT NULL,
      phase TEXT NOT NULL CHECK (phase IN ('base', 'train', 'final', 'sweep')),
      alpha REAL,
      a_pre REAL NOT NULL,
      a_tgt REAL,
      cd_abs REAL NOT NULL,
      cd_cond REAL NOT NULL,
      gained_abs REAL NOT NULL,
      loss REAL,
      weight_distance REAL NOT NULL,
      weight_distance_rel REAL NOT NULL,
      per_class_json TEXT NOT NULL,
      per_layer_json TEXT NOT NULL,
      PRIMARY KEY (run_id, seq)
    ) STRICT;

    CREATE TABLE checkpoints (
      id INTEGER PRIMARY KEY,
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      manifest_json TEXT NOT NULL,
      weights BLOB NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
  `,
};
