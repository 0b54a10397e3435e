import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSuite, parseSuite } from '../../src-shared/study-suite';
import { ValidationError } from '../../src-shared/validation';
import { validateStudy } from '../../src-main/services/api-service';

const folder = 'resources/studies';
const files = readdirSync(folder).filter((f) => f.endsWith('.json'));

/** The studies of an example file: itself, or a suite's. */
function studiesOf(file: string): unknown[] {
  const json: unknown = JSON.parse(readFileSync(join(folder, file), 'utf8'));
  return isSuite(json) ? parseSuite(json).studies : [json];
}

describe('the example studies in resources/studies', () => {
  it.each(files)('%s validates as it is shipped (every method and swept value checked)', (file) => {
    for (const study of studiesOf(file)) {
      try {
        validateStudy(study as never);
      } catch (err) {
        throw new Error(`${file}: ${err instanceof ValidationError ? err.issues.join('; ') : (err as Error).message}`, { cause: err });
      }
    }
  });

  it('states the claim each claim study re-checks, and names its reference', () => {
    const claims = files.filter((f) => f.startsWith('claim-') || ['lora-rank-sweep.json', 'wiseft-ewc-l2.json'].includes(f));
    expect(claims.length).toBe(4);
    for (const file of claims) {
      const [study] = studiesOf(file) as { description?: string; reference?: { id: string } }[];
      expect(study.description, file).toMatch(/^Claim: /);
      expect(study.reference?.id, file).toBeTruthy();
    }
  });

  it('refuses a reference with a parameter its method lacks, or one that only runs combined', () => {
    const issues = (study: object) => {
      try {
        validateStudy(study as never);
        return [];
      } catch (err) {
        return (err as ValidationError).issues;
      }
    };
    expect(issues({ methods: [{ id: 'vanilla' }, { id: 'lora' }], reference: { id: 'lora', params: { rnak: 4 } } })).toEqual([
      expect.stringMatching(/^reference\.params\.rnak: 'rnak' is not a parameter of lora \(its parameters: .*rank/),
    ]);
    expect(issues({ methods: [{ id: 'vanilla' }, { id: 'l2-sp', with: [{ id: 'rehearsal' }] }], reference: { id: 'l2-sp' } })).toEqual([
      'reference: every entry running l2-sp combines it with other methods; add l2-sp on its own to compare with it',
    ]);
    expect(issues({ methods: [{ id: 'vanilla' }, { id: 'lora' }], reference: { id: 'lora', params: { rank: 4 } } })).toEqual([]);
  });

  it('refuses a suite without studies and one with an unknown field, naming them', () => {
    expect(() => parseSuite({ name: 'x', studies: [] })).toThrow('studies: a suite needs at least one study');
    expect(() => parseSuite({ name: 'x', studies: [{}], extra: 1 })).toThrow(/extra/);
  });
});
