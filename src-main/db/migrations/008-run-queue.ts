/**
 * Schema version 8: the store is a durable queue shared by every process that opens it. A running
 * run has an owner (one host process) holding a lease it renews; a run whose lease ran out is taken
 * over and resumed from its last resume point. Any process may ask the owner to cancel a run, and
 * the queue as a whole can be paused.
 */
export const migration008 = {
  version: 8,
  name: 'run-queue',
  sql: `
    ALTER TABLE runs ADD COLUMN owner TEXT;
    ALTER TABLE runs ADD COLUMN lease_until INTEGER;
    ALTER TABLE runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX runs_by_status ON runs (status);

    CREATE TABLE resume_points (
      run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      eval_count INTEGER NOT NULL,
      state BLOB NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE queue_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      paused INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    INSERT INTO queue_state (id, paused) VALUES (1, 0);
  `,
};
