import { describe, expect, it } from 'vitest';
import { verdictTable } from '../../src-main/cli/verdict-table';
import type { VerdictRun } from '../../src-shared/verdict/arms';
import { studyVerdict } from '../../src-shared/verdict/study-verdict';

const runs: VerdictRun[] = [0, 1].flatMap((seed) => [
  { key: 'v', label: 'Vanilla fine-tuning', method: { id: 'vanilla', params: {}, with: [] }, sweep: null, seed, aPre: 0.4, aTgt: 0.9 },
  { key: 'l', label: 'L2-SP', method: { id: 'l2-sp', params: {}, with: [] }, sweep: null, seed, aPre: 0.7, aTgt: 0.8 },
]);

describe('the verdict in the terminal', () => {
  it('states the claim and each arm against the reference', () => {
    const text = verdictTable(studyVerdict(runs, { description: 'Claim: L2-SP keeps more.', reference: { id: 'vanilla' } }, 'accuracy'));
    expect(text).toContain('claim: Claim: L2-SP keeps more.');
    expect(text).toMatch(/arm\s+seeds\s+A_pre\s+A_tgt\s+ΔA_pre\s+ΔA_tgt\s+ΔA_pre at equal A_tgt\s+frontier/);
    expect(text).toMatch(/L2-SP\s+2\s+70\.0 \[70\.0, 70\.0\]\s+80\.0 \[80\.0, 80\.0\]\s+\+30\.0 \[\+30\.0, \+30\.0\]\s+-10\.0/);
  });

  it('leaves out the difference columns of a study without a reference', () => {
    const text = verdictTable(studyVerdict(runs, {}, 'accuracy'));
    expect(text).toMatch(/arm\s+seeds\s+A_pre\s+A_tgt\s+frontier/);
    expect(text).not.toContain('ΔA_pre');
  });
});
