/** Schema version 2: the engine's log lines per run (which backend ran, what was skipped, warnings). */
export const migration002 = {
  version: 2,
  name: 'run-logs',
  sql: `
    CREATE TABLE run_logs (
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      at TEXT NOT NULL,
      message TEXT NOT NULL,
      PRIMARY KEY (run_id, seq)
    ) STRICT;
  `,
};
