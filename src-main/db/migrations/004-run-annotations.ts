/** Schema version 4: a researcher's tags and free-text note per run (the Runs table filters by them; `export --runs tag:x` selects by them). */
export const migration004 = {
  version: 4,
  name: 'run-annotations',
  sql: `
    CREATE TABLE run_tags (
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      tag TEXT NOT NULL,
      PRIMARY KEY (run_id, tag)
    ) STRICT;
    CREATE INDEX run_tags_by_tag ON run_tags (tag);

    CREATE TABLE run_notes (
      run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
      note TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
  `,
};
