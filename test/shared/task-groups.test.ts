import { describe, expect, it } from 'vitest';
import { bundleFigureName, taskGroups } from '../../src-shared/task-groups';
import { summary } from '../renderer/run-fixtures';
import { libraryRun } from './task-fixtures';

describe('task groups (runs of one pretrain/target pair)', () => {
  it('splits runs by pretrain data and target, in order of first appearance, with readable labels', () => {
    const runs = [
      summary({ id: 'rot-v' }),
      libraryRun('iris-v', 'data-iris', 'data-wine', 'iris → wine'),
      summary({ id: 'perm-v', task: 'permuted' }),
      summary({ id: 'rot-l2', methodId: 'l2-sp' }),
      libraryRun('iris-other', 'data-iris', 'data-seeds', 'iris → seeds'),
    ];
    expect(taskGroups(runs).map((g) => [g.key, g.label, g.runs.map((r) => r.id)])).toEqual([
      ['rotate90', 'digits 0-9 → Rotated digits', ['rot-v', 'rot-l2']],
      ['data-iris+data-wine', 'iris → wine', ['iris-v']],
      ['permuted', 'digits 0-9 → Permuted pixels', ['perm-v']],
      ['data-iris+data-seeds', 'iris → seeds', ['iris-other']],
    ]);
  });

  it('keeps runs of one task together whatever else differs (recipe, method, learning rate)', () => {
    const runs = [summary({ id: 'a', recipe: 'cnn' }), summary({ id: 'b', learningRate: 0.01, methodId: 'ewc' })];
    expect(taskGroups(runs).map((g) => g.runs.length)).toEqual([2]);
  });

  it('names bundle figures by task only when a bundle holds several', () => {
    expect(bundleFigureName('scatter', 0, 1)).toBe('scatter.svg');
    expect(bundleFigureName('cd-classes', 1, 3)).toBe('cd-classes-task-2.svg');
  });
});
