import { describe, expect, it } from 'vitest';
import { expandStudy, studyConfigSchema, type StudyConfigInput } from '../../src-shared/config';
import { pointLabel, studyGrid } from '../../src-shared/study-grid';
import { rangeValues, samplePoints } from '../../src-shared/sweep';
import { describeIssues } from '../../src-shared/validation';

// Method parameters are normalised by the host (validateStudy); the study schema alone takes them as written, so these use {values}.
const study = (over: Partial<StudyConfigInput>) => studyConfigSchema.parse({ methods: [{ id: 'vanilla' }], ...over });

describe('sweep ranges', () => {
  it('spaces a log range evenly in log and a linear one evenly, ends included, with tidy decimals', () => {
    expect(rangeValues({ from: 1e-4, to: 1e-2, steps: 5, scale: 'log' }, false)).toEqual([1e-4, 3.16227766017e-4, 1e-3, 3.16227766017e-3, 1e-2]);
    expect(rangeValues({ from: 0.1, to: 0.3, steps: 3, scale: 'linear' }, false)).toEqual([0.1, 0.2, 0.3]);
  });

  it('rounds an integer range and drops the repeats rounding makes', () => {
    expect(rangeValues({ from: 1, to: 64, steps: 4, scale: 'log' }, true)).toEqual([1, 4, 16, 64]);
    expect(rangeValues({ from: 1, to: 3, steps: 5, scale: 'linear' }, true)).toEqual([1, 2, 3]);
  });
});

describe('study grids', () => {
  it('expands budget and data sweeps into grid × seeds, each run tagged with its sweep and point', () => {
    const s = study({
      methods: [{ id: 'vanilla' }, { id: 'l2-sp', params: { alpha: { values: [0.01, 0.1, 1] } } }],
      budget: { learningRate: { from: 1e-4, to: 1e-2, steps: 3, scale: 'log' }, epochs: [1, 2], seeds: [0, 1] },
    });
    const grid = studyGrid(s);
    expect(grid.map((g) => [g.sweepId, g.axes, g.points.length])).toEqual([
      ['methods.0', ['budget.learningRate', 'budget.epochs'], 6],
      ['methods.1', ['method.params.alpha', 'budget.learningRate', 'budget.epochs'], 18],
    ]);
    const { bases, runs } = expandStudy(s);
    expect(bases).toHaveLength(1);
    expect(runs).toHaveLength((6 + 18) * 2);
    const run = runs.find((r) => r.method.id === 'l2-sp' && r.budget.epochs === 2 && r.budget.learningRate === 1e-3 && r.seed === 1)!;
    expect(run.method.params).toEqual({ alpha: expect.any(Number) });
    expect(run.sweep).toEqual({ id: 'methods.1', point: { 'method.params.alpha': run.method.params.alpha, 'budget.learningRate': 1e-3, 'budget.epochs': 2 } });
    // Every point once per seed, seeds innermost.
    expect(runs.slice(0, 2).map((r) => r.seed)).toEqual([0, 1]);
    expect(new Set(runs.map((r) => JSON.stringify([r.sweep, r.seed]))).size).toBe(runs.length);
  });

  it('gives a study without sweeps untagged runs, as before', () => {
    const { runs } = expandStudy(study({ methods: [{ id: 'vanilla' }, { id: 'l2' }], budget: { seeds: [0, 1, 2] } }));
    expect(runs).toHaveLength(6);
    expect(runs.every((r) => r.sweep === undefined && typeof r.budget.learningRate === 'number')).toBe(true);
  });

  it('pretrains one base model per value of a data sweep', () => {
    const { bases, runs } = expandStudy(study({ data: { useFraction: [0.1, 0.2] } }));
    expect(bases.map((b) => b.baseModel.data)).toMatchObject([{ useFraction: 0.1 }, { useFraction: 0.2 }]);
    expect(bases.map((b) => b.pretrain.baseModel)).toEqual(bases.map((b) => b.baseModel));
    expect(runs.map((r) => r.baseModel.data)).toMatchObject([{ useFraction: 0.1 }, { useFraction: 0.2 }]);
  });

  it('samples n points of each grid, the same ones for the same seed and others for another', () => {
    const sampled = (seed: number) =>
      studyGrid(
        study({ methods: [{ id: 'l2-sp', params: { alpha: { values: [1, 2, 3, 4, 5, 6] } } }], budget: { epochs: [1, 2, 3] }, sweep: { sample: 4, seed } }),
      )[0];
    const a = sampled(7);
    expect(a.size).toBe(18);
    expect(a.points).toHaveLength(4);
    expect(sampled(7).points).toEqual(a.points);
    expect(sampled(8).points).not.toEqual(a.points);
    expect(new Set(a.points.map((p) => JSON.stringify(p))).size).toBe(4);
    expect(samplePoints([1, 2, 3], 5, 0)).toEqual([1, 2, 3]);
  });
});

describe('sweep validation', () => {
  const issues = (over: Partial<StudyConfigInput>) => {
    const r = studyConfigSchema.safeParse({ methods: [{ id: 'vanilla' }], ...over });
    return r.success ? [] : describeIssues(r.error);
  };

  it('names the field and the value of a bad sweep', () => {
    expect(issues({ budget: { learningRate: [1e-3, -1] } })).toEqual([expect.stringMatching(/^budget\.learningRate\.1: /)]);
    expect(issues({ budget: { epochs: { values: [1, 500] } } })).toEqual([expect.stringMatching(/^budget\.epochs\.values\.1: /)]);
    expect(issues({ budget: { learningRate: { from: 0, to: 1e-2, steps: 3, scale: 'log' } } })).toEqual([
      expect.stringMatching(/^budget\.learningRate: a log range needs from and to above 0/),
    ]);
    expect(issues({ budget: { batchSize: { from: 4, to: 64, steps: 3 } } })).toEqual([expect.stringMatching(/^budget\.batchSize: the range gives 4: /)]);
    // A range whose values break the field in many places says so once, not once per value.
    expect(issues({ budget: { epochs: { from: 1, to: 1000, steps: 1000 } } })).toEqual([
      expect.stringMatching(/^budget\.epochs: the range gives 201: .*\(and 799 more like it\)$/),
    ]);
    expect(issues({ budget: { epochs: { from: 1, to: 4 } as never } })).toEqual([expect.stringMatching(/^budget\.epochs\.steps: /)]);
    expect(issues({ budget: { epochs: [] } })).toEqual([expect.stringMatching(/^budget\.epochs: a sweep needs at least one value/)]);
    expect(issues({ budget: { epochs: [2, 2] } })).toEqual([expect.stringMatching(/^budget\.epochs: a sweep lists a value twice/)]);
    expect(issues({ data: { useFraction: [0.5, 2] } })).toEqual([expect.stringMatching(/^data\.useFraction\.1: /)]);
    expect(issues({ budget: { learningRate: 'fast' as never } })).toEqual([expect.stringMatching(/^budget\.learningRate: /)]);
  });
});

describe('sweep point labels', () => {
  it('names each swept field by its last key, numbers to 4 significant digits', () => {
    expect(pointLabel({ 'method.params.rank': 4, 'budget.learningRate': 0.000948683298051, 'method.params.partition': 'loss' })).toBe(
      'rank=4, learningRate=0.0009487, partition=loss',
    );
    expect(pointLabel({ 'method.params.alphas': [0, 0.5, 1], 'method.params.full': true })).toBe('alphas=[0, 0.5, 1], full=true');
  });
});
