import { z } from 'zod';

/** Built-in base-model recipes. */
export const RECIPES = ['mlp', 'cnn'] as const;
/** Built-in target tasks over the MNIST digits. */
export const TARGET_TASKS = ['rotate90', 'new-classes', 'permuted'] as const;
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

/** The built-in data: real MNIST digits split (seeded, disjoint) into pretrain and target pools. */
export const dataSchema = z.strictObject({
  source: z.literal('mnist-digits').default('mnist-digits'),
  splitSeed: seed.default(0),
  /** Share of the digits that form the pretrain pool; the rest is the target pool. */
  pretrainShare: z.number().min(0.2).max(0.8).default(0.6),
  /** Share of each pool held out for evaluation. */
  evalShare: z.number().min(0.05).max(0.5).default(0.2),
  /** Share of all digits used at all (smaller = faster studies). */
  useFraction: z.number().min(0.05).max(1).default(1),
});

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
export const studyConfigSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).default('Digits study'),
  baseModel: z
    .strictObject({
      recipe: z.enum(RECIPES).default('mlp'),
      pretrain: pretrainBudgetSchema.default(pretrainBudgetSchema.parse({})),
    })
    .default({ recipe: 'mlp', pretrain: pretrainBudgetSchema.parse({}) }),
  data: dataSchema.default(dataSchema.parse({})),
  target: z.strictObject({ task: z.enum(TARGET_TASKS).default('rotate90') }).default({ task: 'rotate90' }),
  methods: z.array(methodChoiceSchema).min(1, 'choose at least one method'),
  budget: budgetSchema.default(budgetSchema.parse({})),
  backend: z.enum(BACKENDS).default('auto'),
});

/** A validated study config. */
export type StudyConfig = z.infer<typeof studyConfigSchema>;
/** What a caller may send: defaults fill the rest. */
export type StudyConfigInput = z.input<typeof studyConfigSchema>;
/** The data split settings. */
export type DataConfig = z.infer<typeof dataSchema>;
/** Pretraining budget of a base model. */
export type PretrainBudget = z.infer<typeof pretrainBudgetSchema>;
/** Fine-tuning budget. */
export type Budget = z.infer<typeof budgetSchema>;

/** Everything one base model's pretraining needs; its JSON is the model's identity. */
export interface BaseModelSpec {
  recipe: (typeof RECIPES)[number];
  /** Pretrain label space (digits), e.g. 0-9, or 0-4 for the new-classes task. */
  classes: number[];
  data: DataConfig;
  pretrain: PretrainBudget;
}

/** Everything one fine-tuning run needs: reproducible from this alone. */
export interface RunConfig {
  studyName: string;
  baseModel: BaseModelSpec;
  data: DataConfig;
  target: { task: (typeof TARGET_TASKS)[number] };
  method: MethodChoice;
  budget: Omit<Budget, 'seeds'>;
  seed: number;
  backend: (typeof BACKENDS)[number];
}

/** The digit classes a task pretrains on and targets (new-classes splits the label space). */
export function taskClasses(task: RunConfig['target']['task']): { pretrain: number[]; target: number[] } {
  const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (task === 'new-classes') return { pretrain: [0, 1, 2, 3, 4], target: [5, 6, 7, 8, 9] };
  return { pretrain: all, target: all };
}

/** True when the target reuses the pretrain head (same label space). */
export function sharesHead(task: RunConfig['target']['task']): boolean {
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
  const runs: RunConfig[] = [];
  for (const method of study.methods) {
    for (const seed of seeds) {
      runs.push({ studyName: study.name, baseModel, data: study.data, target: study.target, method, budget, seed, backend: study.backend });
    }
  }
  return { baseModel, runs };
}
