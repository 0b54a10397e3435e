import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dataSourceOf,
  digitsDataSchema,
  metricOf,
  targetMetricOf,
  targetObjectiveOf,
  recipeFits,
  RECIPES,
  studyConfigSchema,
  TARGET_TASKS,
  type Recipe,
  type TargetTask,
} from '../../src-shared/config';
import { sharesHead, taskOf } from '../../src-shared/tasks/lookup';
import { TASKS } from '../../src-shared/tasks/registry';
import type { TaskDefinition } from '../../src-shared/tasks/task';
import { buildStudyData } from '../../src-main/engine/data/study-data';
import { resolveStudy } from '../../src-main/services/resolve-study';

const TASK_DIR = join(__dirname, '../../src-shared/tasks');
const NOT_TASKS = new Set(['task.ts', 'registry.ts', 'lookup.ts']);
const builtIn = TASKS.filter((t) => t.domain !== 'library');

/** A minimal study of a recipe on a task, with the data source and target the task reads. */
function studyOf(recipe: Recipe, task: TargetTask, then?: TargetTask[]) {
  const source = dataSourceOf(task);
  const data =
    source === 'library' ? { source, pretrain: 'a' } : source === 'text' ? { source, trainSequences: 32, evalSequences: 16 } : { source, useFraction: 0.05 };
  const target = task === 'dataset' ? { task, dataset: 'b' } : { task, ...(then ? { then } : {}) };
  return { baseModel: { recipe }, data, target, methods: [{ id: 'vanilla' }] };
}

describe('the task registry', () => {
  it('enrols every task file of src-shared/tasks exactly once, under the id its file is named by', async () => {
    const files = readdirSync(TASK_DIR).filter((f) => f.endsWith('.ts') && !NOT_TASKS.has(f));
    expect(files).toHaveLength(TASKS.length);
    for (const file of files) {
      const exported = Object.values(await import(join(TASK_DIR, file))) as TaskDefinition[];
      expect(exported, file).toHaveLength(1);
      expect(
        TASKS.filter((t) => t === exported[0]),
        file,
      ).toHaveLength(1);
      expect(`${exported[0].id}.ts`).toBe(file);
    }
  });

  it('gives every task a unique id, and the study schema exactly the registry ids', () => {
    expect(new Set(TARGET_TASKS).size).toBe(TASKS.length);
    expect(TARGET_TASKS).toEqual(TASKS.map((t) => t.id));
    for (const id of TARGET_TASKS) expect(taskOf(id).id).toBe(id);
    expect(() => taskOf('no-such-task' as TargetTask)).toThrow(/Unknown task 'no-such-task' \(tasks: rotate90, /);
  });

  it.each(TASKS.map((t) => [t.id, t] as const))('%s declares a complete, consistent task', (_, task) => {
    expect(task.label.length).toBeGreaterThan(0);
    expect(task.description.length).toBeGreaterThan(0);
    expect(task.pretrainedOn.length).toBeGreaterThan(0);
    expect(RECIPES.filter((r) => recipeFits(r, task.id)).length).toBeGreaterThan(0);
    const targetObjective = targetObjectiveOf(task.id);
    expect(metricOf(task.id)).toBe(task.objective === 'language-model' ? 'loss' : 'accuracy');
    expect(targetMetricOf(task.id)).toBe(targetObjective === 'language-model' ? 'loss' : 'accuracy');
    // A target side learned as a language model, and library datasets, have no declared classes; a classifier side has two or more.
    if (task.domain === 'library') expect(task.classes).toEqual({ pretrain: [], target: [] });
    else {
      expect(task.classes.pretrain.length === 0).toBe(task.objective === 'language-model');
      expect(task.classes.target.length === 0).toBe(targetObjective === 'language-model');
      for (const side of [task.classes.pretrain, task.classes.target]) if (side.length) expect(side.length).toBeGreaterThan(1);
    }
    if (task.classNames) expect(task.classNames).toHaveLength(Math.max(...task.classes.pretrain, ...task.classes.target) + 1);
    if (task.domain === 'digits') for (const c of [...task.classes.pretrain, ...task.classes.target]) expect(c >= 0 && c <= 9).toBe(true);
    if (task.domain === 'text') expect(task.classOf !== undefined).toBe(task.objective === 'classification' || targetObjective === 'classification');
  });

  it('accepts exactly the recipe/task pairings of the same domain and objective, and refuses the others at baseModel.recipe', () => {
    for (const recipe of RECIPES) {
      for (const task of TASKS) {
        const parsed = studyConfigSchema.safeParse(studyOf(recipe, task.id));
        expect(parsed.success, `${recipe} on ${task.id}`).toBe(recipeFits(recipe, task.id));
        if (!parsed.success) expect(parsed.error.issues.map((i) => i.path.join('.'))).toEqual(['baseModel.recipe']);
      }
    }
    expect(recipeFits('char-gpt', 'sotu') && !recipeFits('mlp', 'sotu') && recipeFits('char-encoder', 'spam-later')).toBe(true);
  });

  it('accepts a sequence exactly when its tasks share the base model (pretrain data and objective) and the pretrain head', () => {
    for (const first of builtIn) {
      const recipe = RECIPES.find((r) => recipeFits(r, first.id))!;
      for (const next of builtIn) {
        const same =
          first.pretrainedOn === next.pretrainedOn && first.objective === next.objective && sharesHead(first) !== false && sharesHead(next) !== false;
        const parsed = studyConfigSchema.safeParse(studyOf(recipe, first.id, [next.id]));
        const sequenceIssues = parsed.success ? [] : parsed.error.issues.filter((i) => i.path[0] === 'target');
        expect(sequenceIssues.length === 0, `${first.id} then ${next.id}`).toBe(same);
      }
    }
    expect(studyConfigSchema.safeParse(studyOf('mlp', 'rotate90', ['permuted'])).success).toBe(true);
    expect(studyConfigSchema.safeParse(studyOf('char-gpt', 'sotu-early', ['sotu-late'])).success).toBe(true);
  });
});

describe('every built-in task builds its data through the engine with the classes it declares', () => {
  it.each(builtIn.map((t) => [t.id, t] as const))('%s', (id, task) => {
    const recipe = RECIPES.find((r) => recipeFits(r, id))!;
    const {
      bases: [{ baseModel }],
    } = resolveStudy(studyConfigSchema.parse(studyOf(recipe, id)));
    expect(baseModel.classes).toEqual(task.classes.pretrain);
    const data = buildStudyData(baseModel, id);
    expect(data.sameHead).toBe(sharesHead(task));
    expect(data.labels).toEqual({ pretrain: task.pretrainedOn, target: id });
    const splits = [
      [data.pretrainTrain, task.classes.pretrain],
      [data.pretrainEval, task.classes.pretrain],
      [data.targetTrain, task.classes.target],
      [data.targetEval, task.classes.target],
    ] as const;
    for (const [split, classes] of splits) {
      expect(split.n, split.name).toBeGreaterThan(0);
      if ((split.name.startsWith('pretrain') ? task.objective : targetObjectiveOf(id)) === 'language-model') {
        expect(split.nextTokens, split.name).toBeDefined();
        continue;
      }
      expect(split.classes, split.name).toEqual(classes);
      // Labels are indices into the split's classes, and the training splits hold every class.
      expect(Math.max(...split.y), split.name).toBeLessThan(classes.length);
      if (split.name.includes('train')) expect(new Set(split.y).size, split.name).toBe(classes.length);
    }
    if (task.domain === 'digits') expect(data.targetTrain.name).toBe(task.transform ? `target train (${id})` : 'target train');
  });
});

describe('the digits transforms', () => {
  const image = Float32Array.from({ length: 28 * 28 }, (_, i) => i / (28 * 28));
  const transformOf = (id: TargetTask) => {
    const task = taskOf(id);
    if (task.domain !== 'digits' || !task.transform) throw new Error(`${id} has no digits transform`);
    return task.transform;
  };

  it('rotate90 turns the image a quarter: four turns give it back, one moves the top-right corner to the top-left', () => {
    const turn = transformOf('rotate90')([28, 28, 1], 0);
    const once = turn(image);
    expect(once[0]).toBe(image[27]);
    expect(Array.from(turn(turn(turn(once))))).toEqual(Array.from(image));
  });

  it('permuted reorders the pixels by the split seed: the same seed the same order, another seed another', () => {
    const a = transformOf('permuted')([28, 28, 1], 0)(image);
    expect(Array.from(a).sort()).toEqual(Array.from(image).sort());
    expect(Array.from(transformOf('permuted')([28, 28, 1], 0)(image))).toEqual(Array.from(a));
    expect(Array.from(transformOf('permuted')([28, 28, 1], 1)(image))).not.toEqual(Array.from(a));
  });
});

describe('reading digits data', () => {
  it('refuses a text task on the built-in digits, naming the task', () => {
    expect(() => buildStudyData({ recipe: 'mlp', data: digitsDataSchema.parse({ useFraction: 0.05 }) }, 'sotu')).toThrow(/'sotu' is not a digits task/);
  });
});
