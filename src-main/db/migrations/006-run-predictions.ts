/** Schema version 6: per-sample predictions on the pretrain eval set before and after fine-tuning (the gallery of forgotten samples). */
export const migration006 = {
  version: 6,
  name: 'run-predictions',
  sql: `
    CREATE TABLE run_predictions (
      run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      phase TEXT NOT NULL CHECK (phase IN ('base', 'final')),
      predictions BLOB NOT NULL,
      PRIMARY KEY (run_id, phase)
    ) STRICT;
  `,
};
