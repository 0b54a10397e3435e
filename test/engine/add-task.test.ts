import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TargetTask } from '../../src-shared/config';
import type * as Registry from '../../src-shared/tasks/registry';
import type { TaskDefinition } from '../../src-shared/tasks/task';
import { invertedOdd } from '../fixtures/tasks/inverted-odd';

const REGISTRY = '../../src-shared/tasks/registry';

/** Loads the code afresh with the registry as it reads after adding one line for each extra task. */
function enrol(...extra: TaskDefinition[]): void {
  vi.resetModules();
  vi.doMock(REGISTRY, async (importOriginal) => ({ TASKS: [...(await importOriginal<typeof Registry>()).TASKS, ...extra] }));
}

afterEach(() => {
  vi.doUnmock(REGISTRY);
  vi.resetModules();
});

// The task's file is test/fixtures/tasks/inverted-odd.ts; `enrol` is the registry line. Nothing else
// names the task, and every part that offers, checks, names or builds a task picks it up.
describe('adding a built-in task is its file and one registry line', () => {
  // The id is enrolled at run time only, so the types (derived from the real registry) do not know it.
  const id = invertedOdd.id as TargetTask;

  it('the study schema accepts it, checks its pairings and sequences, and expands it with its classes and metric', async () => {
    enrol(invertedOdd);
    const { expandStudy, studyConfigSchema } = await import('../../src-shared/config');
    const study = studyConfigSchema.parse({ target: { task: id }, methods: [{ id: 'vanilla' }] });
    const {
      bases: [{ baseModel }],
      runs,
    } = expandStudy(study);
    expect(baseModel.classes).toEqual([0, 2, 4, 6, 8]);
    expect(runs[0].metric).toBe('accuracy');
    const gpt = studyConfigSchema.safeParse({ baseModel: { recipe: 'char-gpt' }, target: { task: id }, methods: [{ id: 'vanilla' }] });
    expect(gpt.error?.issues.map((i) => i.message)).toContain(
      "'char-gpt' is a text language-model recipe, but the task 'inverted-odd' needs a digits classification recipe (mlp or cnn)",
    );
    const sequence = studyConfigSchema.safeParse({ target: { task: 'rotate90', then: [id] }, methods: [{ id: 'vanilla' }] });
    expect(sequence.error?.issues[0].message).toMatch(
      /^'inverted-odd' continues a model pretrained on even digits, but 'rotate90' one pretrained on digits 0-9/,
    );
  });

  it('the wizard catalog offers it with its label, head, recipes, metric and data source', async () => {
    enrol(invertedOdd);
    const { buildCatalog } = await import('../../src-main/services/catalog');
    expect(buildCatalog().tasks.find((t) => t.id === id)).toEqual({
      id,
      label: 'Inverted odd digits',
      description: invertedOdd.description,
      sharesHead: false,
      recipes: ['mlp', 'cnn'],
      metric: 'accuracy',
      targetMetric: 'accuracy',
      source: 'mnist-digits',
    });
  });

  it('the engine builds its data: its classes, its transform on the target only; its base model is named by what it is pretrained on', async () => {
    enrol(invertedOdd);
    const { digitsDataSchema } = await import('../../src-shared/config');
    const { buildStudyData } = await import('../../src-main/engine/data/study-data');
    const { baseModelName } = await import('../../src-main/services/resolve-study');
    const data = buildStudyData({ recipe: 'mlp', data: digitsDataSchema.parse({ useFraction: 0.05 }) }, id);
    expect([data.pretrainTrain.classes, data.targetTrain.classes]).toEqual([
      [0, 2, 4, 6, 8],
      [1, 3, 5, 7, 9],
    ]);
    expect(data.sameHead).toBe(false);
    const mean = (x: Float32Array) => x.reduce((s, v) => s + v, 0) / x.length;
    // MNIST digits are light strokes on a dark ground; the inverted target is mostly light.
    expect(mean(data.pretrainTrain.x)).toBeLessThan(0.3);
    expect(mean(data.targetTrain.x)).toBeGreaterThan(0.7);
    expect(
      baseModelName(
        {
          recipe: 'mlp',
          init: 'glorot',
          classes: [0, 2, 4, 6, 8],
          data: digitsDataSchema.parse({}),
          pretrain: { epochs: 1, batchSize: 8, learningRate: 0.1, seed: 0 },
        },
        id,
      ),
    ).toBe('MLP on even digits');
  });

  it('a task enrolled twice is refused when the registry loads, naming it', async () => {
    enrol(invertedOdd, invertedOdd);
    await expect(import('../../src-shared/config')).rejects.toThrow("Task 'inverted-odd' is enrolled twice in src-shared/tasks/registry.ts");
  });
});
