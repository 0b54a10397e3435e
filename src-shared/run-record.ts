import { z } from 'zod';
import {
  BACKENDS,
  budgetSchema,
  dataSchema,
  generalitySuiteSchema,
  methodChoiceSchema,
  metricOf,
  pretrainBudgetSchema,
  RECIPES,
  RUN_RECORD_VERSION,
  studyConfigSchema,
  type Metric,
} from './config';
import { generalityIssues } from './generality';
import { describeIssues } from './validation';
import { DEFAULT_WEIGHT_INIT, WEIGHT_INITS } from './weight-init';

const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);
const paramValueSchema = z.union([z.number(), z.boolean(), z.string(), z.array(z.number())]);
const shape = z.tuple([z.number().int().min(1), z.number().int().min(1), z.number().int().min(1)]);

/**
 * A character-level tokenizer, part of a text base model's identity: token 0 is the unknown
 * character, 1 the padding, 2… the symbols in order. A dataset tokenised with another one is refused.
 */
export const tokenizerSpecSchema = z.strictObject({
  kind: z.literal('char'),
  /** Bumped whenever the text normalisation or the token layout changes. */
  version: z.number().int().min(1),
  /** One character (a Unicode code point) per token from id 2 on. */
  symbols: z.array(z.string()),
});

/** An imported model's architecture as the engine runs it (see ImportedEngineSpec): part of the base-model spec, so a run's config describes its model. */
export const importedArchitectureSchema = z.strictObject({
  /** The imported model's id in the store; its weights are θ₀. */
  id: z.string().min(1),
  inputShape: shape,
  /** The engine's layer specs (opaque here: src-main/engine/models/layers.ts). */
  backbone: z.array(z.unknown()),
  headUnits: z.number().int().min(1),
  /** Weights the original model had frozen (trainable: false); the methods decide what trains here. */
  frozen: z.array(z.string()),
  /** Heads that are not a plain dense layer (a Hugging Face checkpoint's; opaque here: HeadSpecs in src-shared/layer-spec.ts). */
  heads: z.record(z.string(), z.unknown()).optional(),
  /** 'update': its batch norm normalises with batch statistics and updates them while fine-tuning (absent: frozen). */
  batchNorm: z.literal('update').optional(),
  /** 'masked-lm': a BERT-family checkpoint, whose language-model loss is masked-token loss (absent: next-token, or not a text model). */
  objective: z.literal('masked-lm').optional(),
});

/**
 * Everything one base model's pretraining needs; its canonical JSON is the model's identity (db/base-models.ts
 * `specKey`). Its `data` is the run's only data block: the split every run of the model is evaluated on.
 */
export const baseModelSpecSchema = z.strictObject({
  /** A built-in recipe, or 'imported' for an imported model (nothing is pretrained). */
  recipe: z.enum([...RECIPES, 'imported']),
  /** How fresh kernels and biases were drawn (a recipe's every layer, an imported model's new head); records written before the setting existed were drawn with Glorot. */
  init: z.enum(WEIGHT_INITS).default(DEFAULT_WEIGHT_INIT),
  /** Pretrain label space (digits), e.g. 0-9, or 0-4 for the new-classes task; class indices for a text classifier; [] for a language model. */
  classes: z.array(z.number().int().min(0)),
  data: dataSchema,
  pretrain: pretrainBudgetSchema,
  /** Text models: the tokenizer built from the pretrain corpus (absent for image models, so their identity is unchanged). */
  tokenizer: tokenizerSpecSchema.optional(),
  /** Library data: [height, width, channels] of one sample (absent for the built-in digits: 28×28×1). */
  inputShape: shape.optional(),
  /** Library data: the name of each pretrain class index (the pretrain dataset's labels, sorted). */
  classNames: z.array(z.string()).optional(),
  /** recipe 'imported': the imported model's architecture. */
  imported: importedArchitectureSchema.optional(),
});

// The study's target as validated there (a task, or a sequence of tasks or of library datasets).
const targetSchema = studyConfigSchema.in.shape.target.unwrap();

/** What every stored run says, pretraining or fine-tuning. */
const commonFields = {
  /** The record's layout; a new layout gets a new number and a store migration that rewrites older rows. */
  version: z.literal(RUN_RECORD_VERSION, { error: `this RetainLab reads run records of version ${RUN_RECORD_VERSION}` }),
  studyName: z.string().max(200),
  baseModel: baseModelSpecSchema,
  target: targetSchema,
  backend: z.enum(BACKENDS),
  /** What A_pre measures (and A_tgt, unless the task learns its target otherwise: targetMetricOf): accuracy, or a language model's mean token loss (nats); fixed when the study is expanded. */
  metric: z.enum(['accuracy', 'loss'] satisfies Metric[]),
};

/** A run that pretrains its base model (`baseModel`) for the study's target. */
export const pretrainRunConfigSchema = z.strictObject({ kind: z.literal('pretrain'), ...commonFields });

/** A run that fine-tunes its base model with one method (possibly combined) and seed: reproducible from this alone. */
export const finetuneRunConfigSchema = z.strictObject({
  kind: z.literal('finetune'),
  ...commonFields,
  /** Its parameters are checked by the method's own schema where the run is launched and where the engine reads them. */
  method: methodChoiceSchema,
  budget: budgetSchema.omit({ seeds: true }),
  seed,
  /** Loss metric only: the rise of a pretrain sequence's mean token loss (nats) that counts as collateral damage. */
  lossRise: z.number().gt(0).max(10).optional(),
  /** The study's generality suite: further pretrain evaluation sets measured at every evaluation point; absent for none. */
  generality: generalitySuiteSchema.optional(),
  /** A run of a sweep: the study's method entry (`methods.<i>`; runs of one sweep share it and their study) and the point it runs (run-config path → value). */
  sweep: z.strictObject({ id: z.string().min(1).max(100), point: z.record(z.string(), paramValueSchema) }).optional(),
});

/** The stored config of any run (`runs.config_json`), pretraining or fine-tuning. */
export const storedRunConfigSchema = z.discriminatedUnion('kind', [pretrainRunConfigSchema, finetuneRunConfigSchema]).superRefine((run, ctx) => {
  // The metric is fixed by the task when a study is expanded; a record that says otherwise would be trained and scored by different rules.
  const metric = metricOf(run.target.task);
  if (run.metric !== metric)
    ctx.addIssue({ code: 'custom', path: ['metric'], message: `the task '${run.target.task}' is measured by ${metric}, not ${run.metric}` });
  if (run.kind !== 'finetune') return;
  for (const issue of generalityIssues(run.target.task, run.generality)) ctx.addIssue({ code: 'custom', ...issue });
  if (run.metric === 'loss' && run.lossRise === undefined)
    ctx.addIssue({ code: 'custom', path: ['lossRise'], message: 'a loss-metric run needs its lossRise (nats)' });
  if (run.metric === 'accuracy' && run.lossRise !== undefined)
    ctx.addIssue({ code: 'custom', path: ['lossRise'], message: 'only a loss-metric run has a lossRise' });
});

/** A character-level tokenizer spec. */
export type TokenizerSpec = z.infer<typeof tokenizerSpecSchema>;
/** An imported model's architecture. */
export type ImportedArchitecture = z.infer<typeof importedArchitectureSchema>;
/** A base model's spec and identity. */
export type BaseModelSpec = z.infer<typeof baseModelSpecSchema>;
/** The stored config of a pretraining run. */
export type PretrainRunConfig = z.infer<typeof pretrainRunConfigSchema>;
/** The stored config of a fine-tuning run. */
export type RunConfig = z.infer<typeof finetuneRunConfigSchema>;
/** The stored config of any run. */
export type StoredRunConfig = z.infer<typeof storedRunConfigSchema>;

/** Parses a stored run config; the error names the run and every bad field. */
export function parseRunConfig(value: unknown, runId: string): { ok: true; config: StoredRunConfig } | { ok: false; error: string } {
  const result = storedRunConfigSchema.safeParse(value);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, error: `the stored config of run ${runId} is unreadable: ${describeIssues(result.error).join('; ')}` };
}
