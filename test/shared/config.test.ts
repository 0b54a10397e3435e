import { describe, expect, it } from 'vitest';
import { expandStudy, studyConfigSchema } from '../../src-shared/config';
import { validateStudy } from '../../src-main/services/api-service';
import { issuesOf } from './issues-of';

describe('study config validation', () => {
  it('fills defaults so a minimal config is a whole study', () => {
    const config = validateStudy({ methods: [{ id: 'vanilla' }] });
    expect(config.baseModel.recipe).toBe('mlp');
    expect(config.target.task).toBe('rotate90');
    expect(config.budget.seeds).toEqual([0]);
  });

  it('names each bad field and what is wrong', () => {
    const issues = issuesOf({ methods: [{ id: 'vanilla' }], budget: { epochs: 0, learningRate: 'fast' }, target: { task: 'sideways' } });
    expect(issues.some((i) => i.startsWith('budget.epochs:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('budget.learningRate:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('target.task:') && i.includes('rotate90'))).toBe(true);
  });

  it('standardises library tables by default for a recipe, not for an imported model (trained on its own preprocessing)', () => {
    const library = { data: { source: 'library', pretrain: 'data-1' }, target: { task: 'dataset', dataset: 'data-2' }, methods: [{ id: 'vanilla' }] };
    expect(validateStudy(library).data).toMatchObject({ standardize: true });
    expect(validateStudy({ ...library, baseModel: { imported: 'model-1' } }).data).toMatchObject({ standardize: false });
    expect(validateStudy({ ...library, data: { ...library.data, standardize: false } }).data).toMatchObject({ standardize: false });
    expect(issuesOf({ ...library, target: { task: 'dataset', dataset: 'data-2', then: ['dataset'] } }).join('\n')).toMatch(
      /target\.then: a sequence of library datasets is written as target\.thenDatasets/,
    );
    expect(issuesOf({ methods: [{ id: 'vanilla' }], target: { task: 'rotate90', thenDatasets: ['data-2'] } }).join('\n')).toMatch(
      /target\.thenDatasets: only the task 'dataset' reads datasets of the library/,
    );
  });

  it('rejects unknown keys instead of ignoring them', () => {
    const issues = issuesOf({ methods: [{ id: 'vanilla' }], budget: { epochz: 3 } });
    expect(issues.join('\n')).toMatch(/budget.*epochz/);
  });

  it('rejects an empty method list, an unknown method and bad method parameters with their field paths', () => {
    expect(issuesOf({ methods: [] }).join('\n')).toMatch(/methods: choose at least one method/);
    expect(issuesOf({ methods: [{ id: 'magic' }] })).toEqual([expect.stringMatching(/^methods\.0\.id: unknown method 'magic' \(known: vanilla, wiseft/)]);
    const bad = issuesOf({ methods: [{ id: 'vanilla' }, { id: 'wiseft', params: { alphas: [0.5, 1.5], speed: 3 } }] });
    expect(bad.some((i) => i.startsWith('methods.1.params.alphas.1:'))).toBe(true);
    expect(bad.some((i) => i.startsWith('methods.1.params') && i.includes('speed'))).toBe(true);
  });

  it('validates combined methods: the parameters of each component, and a component given twice', () => {
    const bad = issuesOf({ methods: [{ id: 'vanilla', with: [{ id: 'wiseft', params: { reportAlpha: 2 } }] }] });
    expect(bad).toEqual([expect.stringMatching(/^methods\.0\.with\.0\.params\.reportAlpha:/)]);
    expect(issuesOf({ methods: [{ id: 'wiseft', with: [{ id: 'wiseft' }] }] })).toEqual(["methods.0: 'wiseft' appears twice"]);
    const ok = validateStudy({ methods: [{ id: 'vanilla', with: [{ id: 'wiseft' }] }] });
    expect(ok.methods[0].with[0].params.reportAlpha).toBe(0.5);
  });

  it('expands a study into one run per method and seed sharing one base model', () => {
    const study = studyConfigSchema.parse({ target: { task: 'new-classes' }, methods: [{ id: 'vanilla' }, { id: 'wiseft' }], budget: { seeds: [1, 2, 3] } });
    const {
      bases: [{ baseModel }],
      runs,
    } = expandStudy(study);
    expect(baseModel.classes).toEqual([0, 1, 2, 3, 4]);
    expect(runs).toHaveLength(6);
    expect(runs.map((r) => r.seed)).toEqual([1, 2, 3, 1, 2, 3]);
  });
});

describe('study config validation reports every problem at once', () => {
  it('lists a bad budget and an unknown method together', () => {
    const issues = issuesOf({ methods: [{ id: 'nope' }], budget: { epochs: -1 } });
    expect(issues.some((i) => i.startsWith("methods.0.id: unknown method 'nope'"))).toBe(true);
    expect(issues.some((i) => i.startsWith('budget.epochs:'))).toBe(true);
  });
});

describe('method checks that need the rest of the study', () => {
  it('refuses RecAdam settings that diverge (lr·γ ≥ 2) before launch, naming the fields', () => {
    const issues = issuesOf({ methods: [{ id: 'recadam', params: { pretrainCof: 5000 } }], budget: { learningRate: 1e-3 } });
    expect(issues).toEqual([expect.stringMatching(/^methods\.0\.params: RecAdam:.*pretrainCof/)]);
    expect(() => validateStudy({ methods: [{ id: 'recadam', params: { pretrainCof: 5000 } }], budget: { learningRate: 2e-5 } })).not.toThrow();
  });

  it('refuses unmerged LoRA followed by a WiSE-FT sweep', () => {
    const issues = issuesOf({ methods: [{ id: 'lora', params: { merge: false }, with: [{ id: 'wiseft' }] }] });
    expect(issues).toEqual([expect.stringMatching(/^methods\.0\.params: merge must be on when combined with WiSE-FT/)]);
  });
});
