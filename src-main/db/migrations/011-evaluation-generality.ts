/** Schema version 11: each evaluation point's generality-suite metrics (set id → metric, JSON); NULL for a run without a suite. */
export const migration011 = {
  version: 11,
  name: 'evaluation-generality',
  sql: `ALTER TABLE evaluations ADD COLUMN generality_json TEXT;`,
};
