import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { budgetSchema } from '../../src-shared/config';
import { fieldRanges } from '../../src-shared/field-ranges';
import { paramSpecs } from '../../src-shared/params';
import { studyGrid } from '../../src-shared/study-grid';
import { buildCatalog } from '../../src-main/services/catalog';
import { validateStudy } from '../../src-main/services/api-service';
import { entriesOf, movedLast, readStudyFile, studyFileName, studyToWizard, withoutEntry, wizardMethods } from '../../src-renderer/lib/wizard/study-draft';
import {
  draftValues,
  kindOfSpec,
  parseValues,
  rangeDraftProblem,
  type SweepKind,
  sweepMode,
  sweepModes,
  switchMode,
  valuesText,
} from '../../src-renderer/lib/wizard/sweep-field';

const catalog = buildCatalog();
const specOf = (method: string, key: string) => paramSpecs(catalog.methods.find((m) => m.id === method)!.params).find((s) => s.key === key)!;
const rank = kindOfSpec(specOf('lora', 'rank'));
const budget = fieldRanges(budgetSchema);
const learningRate: SweepKind = { type: 'number', range: budget.learningRate, log: true };

describe("a wizard field's sweep", () => {
  it('turns a fixed value into a list and a range and back, keeping what it can', () => {
    expect(sweepMode(4)).toBe('fixed');
    const list = switchMode(4, 'values', rank);
    expect(list).toEqual({ values: [4] });
    expect(sweepMode(list)).toBe('values');
    const range = switchMode({ values: [1, 4, 16] }, 'range', rank);
    expect(range).toEqual({ from: 1, to: 16, steps: 3, scale: 'linear' });
    expect(sweepMode(range)).toBe('range');
    expect(switchMode(range, 'values', rank)).toEqual({ values: [1, 9, 16] });
    expect(switchMode(range, 'fixed', rank)).toBe(1);
  });

  it('starts a range of a log-scale field a decade wide on a log scale', () => {
    expect(switchMode(1e-3, 'range', learningRate)).toEqual({ from: 1e-3, to: 1e-2, steps: 3, scale: 'log' });
  });

  it('shows the values a range gives: integers rounded with repeats dropped, log spacing for numbers', () => {
    expect(draftValues({ from: 1, to: 64, steps: 4, scale: 'log' }, rank)).toEqual([1, 4, 16, 64]);
    expect(draftValues({ from: 1, to: 2, steps: 5, scale: 'linear' }, rank)).toEqual([1, 2]);
    expect(draftValues({ from: 1e-4, to: 1e-2, steps: 3, scale: 'log' }, learningRate)).toEqual([1e-4, 1e-3, 1e-2]);
  });

  it('reads typed values of numbers, choices and lists of numbers, and says what is wrong', () => {
    expect(parseValues('1, 4,16', rank)).toEqual({ values: [1, 4, 16] });
    expect(parseValues('1, 2.5', rank)).toEqual({ problem: '“2.5” is not an integer' });
    expect(parseValues('1, 4, 1', rank)).toEqual({ problem: '1 is listed twice' });
    expect(parseValues('', rank)).toEqual({ problem: 'enter at least one number' });
    const choice: SweepKind = { type: 'enum', options: ['fisher', 'uniform'] };
    expect(parseValues('fisher, uniform', choice)).toEqual({ values: ['fisher', 'uniform'] });
    expect(parseValues('fisher, l2', choice)).toEqual({ problem: '“l2” is not one of fisher, uniform' });
    const alphas = kindOfSpec(specOf('wiseft', 'alphas'));
    expect(sweepModes(alphas)).toEqual(['fixed', 'values']);
    expect(parseValues('0, 0.5, 1; 0, 1', alphas)).toEqual({
      values: [
        [0, 0.5, 1],
        [0, 1],
      ],
    });
    expect(
      valuesText(
        [
          [0, 0.5, 1],
          [0, 1],
        ],
        alphas,
      ),
    ).toBe('0, 0.5, 1; 0, 1');
  });

  it("refuses a range that leaves the field's limits, has one step, or spans 0 on a log scale", () => {
    expect(rangeDraftProblem({ from: 1, to: 16, steps: 3, scale: 'linear' }, rank)).toBeNull();
    expect(rangeDraftProblem({ from: 0, to: 16, steps: 3, scale: 'linear' }, rank)).toMatch(/^from must be at least/);
    expect(rangeDraftProblem({ from: 1, to: 16, steps: 1, scale: 'linear' }, rank)).toMatch(/^steps must be/);
    expect(rangeDraftProblem({ from: 0, to: 0.5, steps: 3, scale: 'log' }, { type: 'number', range: { min: 0, max: 1, step: 'any' } })).toBe(
      'a log range needs from and to above 0',
    );
  });

  it('is accepted by the host as the wizard writes it, and expands to the points it shows', () => {
    const study = validateStudy({
      methods: [{ id: 'lora', params: { rank: switchMode({ values: [1, 4, 16] }, 'values', rank) } }, { id: 'vanilla' }],
      budget: { learningRate: { from: 1e-4, to: 1e-2, steps: 3, scale: 'log' }, seeds: [0, 1] },
    });
    const grid = studyGrid(study);
    expect(grid[0].axes).toEqual(['method.params.rank', 'budget.learningRate']);
    expect(grid[0].points).toHaveLength(9);
    expect(grid[1].axes).toEqual(['budget.learningRate']);
  });
});

describe('a study opened in the wizard', () => {
  const file = {
    name: 'LoRA rank sweep',
    data: { useFraction: 0.15 },
    methods: [
      { id: 'lora', params: { rank: { values: [1, 4, 16] } } },
      { id: 'vanilla' },
      { id: 'lora', params: { rank: 2 }, with: [{ id: 'rehearsal', params: { memoryBatch: 8 } }] },
    ],
    budget: { epochs: 1, seeds: [0, 1] },
  };

  it('fills every step: the other fields as written, each method entry with its parameters over the defaults', () => {
    const read = readStudyFile(JSON.stringify(file), catalog);
    if (!('study' in read)) throw new Error(read.problems.join('\n'));
    const wizard = studyToWizard(read.study, catalog);
    expect(wizard.draft.name).toBe('LoRA rank sweep');
    expect(wizard.draft.budget.seeds).toEqual([0, 1]);
    expect(wizard.draft.data).toMatchObject({ source: 'mnist-digits', useFraction: 0.15 });
    expect([...wizard.chosen].sort()).toEqual(['lora', 'vanilla']);
    const lora = entriesOf(wizard.entries, 'lora');
    expect(lora).toHaveLength(2);
    expect(lora[0].params.rank).toEqual({ values: [1, 4, 16] });
    expect(lora[1].with[0].params.memoryBatch).toBe(8);
    // Defaults fill what the file leaves out; unchosen methods keep a default entry for when they are checked.
    expect(Object.keys(lora[1].with[0].params).length).toBeGreaterThan(1);
    expect(entriesOf(wizard.entries, 'ewc')).toHaveLength(1);
    // What the wizard would launch is the same study, its methods in the file's order.
    const methods = wizardMethods(wizard.chosen, wizard.entries);
    expect(methods.map((m) => m.id)).toEqual(['lora', 'vanilla', 'lora']);
    const again = validateStudy({ ...wizard.draft, methods });
    expect(studyGrid(again).reduce((n, e) => n + e.points.length, 0)).toBe(5);
  });

  it("keeps the file's method order, so each sweep keeps its id and its sampled points", () => {
    const sampled = {
      ...file,
      sweep: { sample: 2, seed: 3 },
      methods: [
        { id: 'lora', params: { rank: { values: [1, 2, 4, 8, 16] } } },
        { id: 'vanilla', params: {} },
        { id: 'lora', params: { rank: { values: [1, 2, 4, 8, 16] }, alpha: { values: [1, 2, 4] } } },
      ],
    };
    const read = readStudyFile(JSON.stringify(sampled), catalog);
    if (!('study' in read)) throw new Error(read.problems.join('\n'));
    const wizard = studyToWizard(read.study, catalog);
    const reopened = validateStudy({ ...wizard.draft, methods: wizardMethods(wizard.chosen, wizard.entries) });
    const points = (study: typeof reopened) => studyGrid(study).map((e) => ({ id: e.sweepId, label: e.label, points: e.points }));
    expect(points(reopened)).toEqual(points(validateStudy(sampled)));
  });

  it('launches a method checked or an entry added in the wizard after those already there, and a removal leaves the others in order', () => {
    const read = readStudyFile(JSON.stringify(file), catalog);
    if (!('study' in read)) throw new Error(read.problems.join('\n'));
    const wizard = studyToWizard(read.study, catalog);
    const chosen = [...wizard.chosen, 'ewc'];
    let entries = movedLast(wizard.entries, 'ewc');
    entries = [...entries, { ...entriesOf(entries, 'vanilla')[0] }];
    const ids = () => wizardMethods(chosen, entries).map((m) => m.id);
    expect(ids()).toEqual(['lora', 'vanilla', 'lora', 'ewc', 'vanilla']);
    const secondLora = entriesOf(entries, 'lora')[1];
    entries = withoutEntry(entries, 'lora', 0);
    expect(ids()).toEqual(['vanilla', 'lora', 'ewc', 'vanilla']);
    expect(entriesOf(entries, 'lora')).toEqual([secondLora]);
  });

  it('shows and keeps a switch swept in the file, and sweeps a switch both ways from the card', () => {
    const read = readStudyFile(JSON.stringify({ methods: [{ id: 'lora', params: { full: [false, true] } }] }), catalog);
    if (!('study' in read)) throw new Error(read.problems.join('\n'));
    const wizard = studyToWizard(read.study, catalog);
    const full = entriesOf(wizard.entries, 'lora')[0].params.full;
    const kind = kindOfSpec(specOf('lora', 'full'));
    expect(kind).toEqual({ type: 'boolean' });
    expect(sweepMode(full)).toBe('values');
    expect(draftValues(full, kind)).toEqual([false, true]);
    expect(parseValues(valuesText(draftValues(full, kind), kind), kind)).toEqual({ values: [false, true] });
    expect(parseValues('true, true', kind)).toEqual({ problem: 'true is listed twice' });
    expect(parseValues('yes', kind)).toEqual({ problem: '“yes” is not one of false, true' });
    expect(sweepModes(kind)).toEqual(['fixed', 'values']);
    expect(switchMode(true, 'values', kind)).toEqual({ values: [true, false] });
    expect(switchMode(full, 'fixed', kind)).toBe(false);
    const study = validateStudy({ methods: wizardMethods(wizard.chosen, wizard.entries) });
    expect(studyGrid(study)[0].points).toEqual([{ 'method.params.full': false }, { 'method.params.full': true }]);
  });

  it('shows a parameter swept by a plain list, as the bundled LoRA rank sweep writes it, as a list of values', () => {
    const read = readStudyFile(readFileSync('resources/studies/lora-rank-sweep.json', 'utf8'), catalog);
    if (!('study' in read)) throw new Error(read.problems.join('\n'));
    const wizard = studyToWizard(read.study, catalog);
    expect(entriesOf(wizard.entries, 'lora')[0].params.rank).toEqual({ values: [1, 4, 16, 64] });
    expect(sweepMode(entriesOf(wizard.entries, 'lora')[0].params.rank)).toBe('values');
  });

  it('says why a file is no study, naming the field', () => {
    expect(readStudyFile('{"methods": [', catalog)).toEqual({ problems: [expect.stringMatching(/^the file is not JSON: /)] });
    expect(readStudyFile('[{"kind": "finetune"}]', catalog)).toEqual({ problems: [expect.stringContaining('not a list (run configs of a bundle?)')] });
    const bad = readStudyFile(JSON.stringify({ methods: [{ id: 'lora' }], budget: { epochs: 0 } }), catalog);
    expect(bad).toEqual({ problems: [expect.stringMatching(/^budget\.epochs: /)] });
    const unknown = readStudyFile(JSON.stringify({ methods: [{ id: 'vanilla' }, { id: 'lora', with: [{ id: 'nope' }] }] }), catalog);
    expect(unknown).toEqual({ problems: [expect.stringMatching(/^methods\.1\.with\.0\.id: unknown method 'nope'/)] });
    expect(readStudyFile(JSON.stringify({ methods: [] }), catalog)).toEqual({ problems: ['methods: choose at least one method'] });
  });

  it('is saved under a file name made from the study name', () => {
    expect(studyFileName('LoRA rank sweep: 1/4/16')).toBe('lora-rank-sweep-1-4-16.json');
    expect(studyFileName('→')).toBe('study.json');
  });
});
