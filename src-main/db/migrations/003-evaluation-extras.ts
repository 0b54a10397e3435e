/** Schema version 3: method-specific numbers per evaluation (RecAdam's λ(t), mix-cd's rehearsal efficiency, …). */
export const migration003 = {
  version: 3,
  name: 'evaluation-extras',
  sql: `ALTER TABLE evaluations ADD COLUMN extras_json TEXT NOT NULL DEFAULT '{}';`,
};
