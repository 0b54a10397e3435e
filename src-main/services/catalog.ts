import type { Catalog } from '../../src-shared/api';
import {
  BACKENDS,
  dataSourceOf,
  digitsDataSchema,
  libraryDataSchema,
  metricOf,
  targetMetricOf,
  recipeFits,
  RECIPES,
  studyConfigSchema,
  textDataSchema,
  type BackendName,
} from '../../src-shared/config';
import { sharesHead } from '../../src-shared/tasks/lookup';
import { TASKS } from '../../src-shared/tasks/registry';
import { MNIST_DATASET_ID } from '../engine/data/builtin-datasets';
import { backendInstalled } from '../engine/backend-availability';
import { methodCatalog } from '../engine/methods/registry';
import { RECIPE_CATALOG } from '../engine/models/recipes';

/** The default study: the built-in digits, an MLP base model, vanilla fine-tuning and the WiSE-FT sweep. */
export function defaultStudy() {
  return studyConfigSchema.parse({ name: 'Built-in digits study', methods: [{ id: 'vanilla' }, { id: 'wiseft' }] });
}

/**
 * The built-in text study (`retainlab quickstart --text`): a character GPT pretrained on Moby Dick,
 * fine-tuned on modern State of the Union addresses by vanilla fine-tuning, LoRA of rank 2 on the
 * attention projections alone, and a WiSE-FT sweep; sized to finish in a few minutes on two cores.
 */
export function defaultTextStudy() {
  return studyConfigSchema.parse({
    name: 'Built-in text study',
    baseModel: { recipe: 'char-gpt', pretrain: { epochs: 3, batchSize: 32, learningRate: 4e-3 } },
    data: { source: 'text', trainSequences: 4096, evalSequences: 256 },
    target: { task: 'sotu-late' },
    methods: [
      { id: 'vanilla' },
      { id: 'lora', params: { rank: 2, layers: 'attention', head: 'frozen' } },
      { id: 'wiseft', params: { alphas: [0, 0.25, 0.5, 0.75, 1] } },
    ],
    budget: { epochs: 1, batchSize: 32, learningRate: 3e-3, evalsPerEpoch: 2 },
  });
}

/** Everything the wizard offers: methods from the registry, recipes, tasks, backends and the default study. */
export function buildCatalog(): Catalog {
  return {
    methods: methodCatalog(),
    recipes: RECIPE_CATALOG,
    tasks: TASKS.map((t) => ({
      id: t.id,
      label: t.label,
      description: t.description,
      sharesHead: sharesHead(t),
      recipes: RECIPES.filter((r) => recipeFits(r, t.id)),
      metric: metricOf(t.id),
      targetMetric: targetMetricOf(t.id),
      source: dataSourceOf(t.id),
    })),
    dataDefaults: {
      'mnist-digits': digitsDataSchema.parse({}),
      text: textDataSchema.parse({ source: 'text' }),
      library: libraryDataSchema.parse({ source: 'library', pretrain: MNIST_DATASET_ID }),
    },
    backends: BACKENDS.map((id) =>
      id === 'auto' ? { id, available: true, why: 'the best backend that works on this machine' } : { id, ...backendInstalled(id as BackendName) },
    ),
    defaultStudy: defaultStudy(),
  };
}
