import { describe, expect, it } from 'vitest';
import { expandStudy, studyConfigSchema } from '../../src-shared/config';
import { searchSchema, type SearchConfig } from '../../src-shared/search/search-config';
import { finalSeeds, searchCandidates, searchLaunch, shareBudget } from '../../src-shared/search/search-plan';
import { describeIssues } from '../../src-shared/validation';

const VALID = 'aPre, aTgt, retention, forgetting, targetGain, cdAbs, cdCond, weightDistance, weightDistanceRel';

function issues(search: unknown): string[] {
  const r = studyConfigSchema.safeParse({ methods: [{ id: 'vanilla' }], search });
  return r.success ? [] : describeIssues(r.error);
}

describe('the search block of a study', () => {
  it('takes the example of the issue and fills the defaults', () => {
    const search = searchSchema.parse({ maximize: 'targetGain', subjectTo: { retention: '>= 0.9' }, budget: { runs: 24, seeds: 3 }, eta: 3 });
    expect(search).toEqual({ maximize: 'targetGain', subjectTo: { retention: '>= 0.9' }, budget: { runs: 24, seeds: 3 }, eta: 3, minEpochs: 1 });
  });

  it('names the field of an unknown metric and lists the valid ones', () => {
    expect(issues({ maximize: 'gain', budget: { runs: 4 } })).toEqual([`search.maximize: unknown metric 'gain'; valid: ${VALID}`]);
    expect(issues({ maximize: 'targetGain', subjectTo: { retain: '>= 0.9' }, budget: { runs: 4 } })).toEqual([
      `search.subjectTo.retain: unknown metric 'retain'; valid: ${VALID}`,
    ]);
  });

  it('refuses a run budget that leaves a method entry without a candidate', () => {
    const r = studyConfigSchema.safeParse({ methods: [{ id: 'vanilla' }, { id: 'l2' }], search: { maximize: 'targetGain', budget: { runs: 1 } } });
    expect(r.success ? [] : describeIssues(r.error)).toEqual([
      "search.budget.runs: 1 candidate run(s) cannot cover the study's 2 method entries: give at least 2",
    ]);
  });

  it('names the field of a constraint that is not an operator and a number', () => {
    expect(issues({ maximize: 'targetGain', subjectTo: { retention: 'at least 0.9' }, budget: { runs: 4 } })).toEqual([
      `search.subjectTo.retention: 'at least 0.9' is not a constraint; write an operator (>=, <=, >, <) and a number, e.g. ">= 0.9"`,
    ]);
    expect(issues({ maximize: 'targetGain', minimize: 'cdAbs', budget: { runs: 4 } })).toEqual([
      `search.maximize: give exactly one of maximize or minimize, naming one of: ${VALID}`,
    ]);
    expect(issues({ maximize: 'targetGain' })[0]).toMatch(/^search\.budget: /);
  });
});

describe('the search plan', () => {
  it('shares the run budget evenly, a small entry leaving the rest to the others', () => {
    expect(shareBudget([3, 9, 9], 12)).toEqual([3, 5, 4]);
    expect(shareBudget([1, 100], 24)).toEqual([1, 23]);
    expect(shareBudget([2, 2], 24)).toEqual([2, 2]);
    expect(shareBudget([5, 5, 5], 2)).toEqual([1, 1, 0]);
  });

  it('runs the chosen points over the study seeds, or as many as asked, continued by new ones', () => {
    const search = (seeds?: number) => ({ budget: { runs: 4, ...(seeds ? { seeds } : {}) } }) as SearchConfig;
    expect(finalSeeds(search(), [3, 5])).toEqual([3, 5]);
    expect(finalSeeds(search(3), [3, 5])).toEqual([3, 5, 6]);
    expect(finalSeeds(search(1), [3, 5])).toEqual([3]);
  });

  it('launches a seeded sample of each entry on the first seed, and only the base models it needs', () => {
    // Method parameters are normalised by validateStudy (main side); written as {values} they need no normalising.
    const study = studyConfigSchema.parse({
      data: { useFraction: [0.05, 0.1] },
      methods: [{ id: 'vanilla' }, { id: 'lora', params: { rank: { values: [1, 2, 4, 8] } } }],
      budget: { seeds: [0, 1], learningRate: [0.001, 0.01] },
      search: { maximize: 'targetGain', budget: { runs: 6 }, seed: 5 },
    });
    const expanded = expandStudy(study);
    expect(expanded.runs).toHaveLength((4 + 16) * 2);
    const launched = searchLaunch(study, expanded);
    expect(launched.runs).toHaveLength(6);
    expect(launched.runs.every((r) => r.seed === 0)).toBe(true);
    expect(launched.runs.filter((r) => r.method.id === 'vanilla')).toHaveLength(3);
    expect(new Set(launched.runs.map((r) => JSON.stringify(r.sweep?.point))).size).toBe(6);
    expect(launched.bases.length).toBe(new Set(launched.runs.map((r) => JSON.stringify(r.baseModel.data))).size);
    // The same seed samples the same points; another seed others.
    const again = searchCandidates(expanded.runs, study.search!, 0, 5);
    expect(again.map((r) => r.sweep?.point)).toEqual(launched.runs.map((r) => r.sweep?.point));
    const other = searchCandidates(expanded.runs, study.search!, 0, 6);
    expect(other.map((r) => r.sweep?.point)).not.toEqual(launched.runs.map((r) => r.sweep?.point));
    // A study without a search launches everything.
    expect(searchLaunch({ ...study, search: undefined }, expanded)).toBe(expanded);
  });
});
