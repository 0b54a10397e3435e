import type { Catalog } from '../../src-shared/api';
import { BACKENDS, dataSourceOf, digitsDataSchema, libraryDataSchema, metricOf, recipeFits, RECIPES, sharesHead, studyConfigSchema, textDataSchema, type BackendName, type TargetTask } from '../../src-shared/config';
import { MNIST_DATASET_ID } from '../import/builtin-datasets';
import { backendInstalled } from '../engine/backend-availability';
import { methodCatalog } from '../engine/methods/registry';
import { RECIPE_CATALOG } from '../engine/models/recipes';

const TASKS: { id: TargetTask; label: string; description: string }[] = [
  { id: 'rotate90', label: 'Rotated digits', description: 'The same ten digits rotated by 90°: a domain shift with the same labels, so the pretrain head is reused.' },
  { id: 'new-classes', label: 'New classes (0-4 → 5-9)', description: 'Pretrain on digits 0-4, fine-tune on 5-9 with a new head. The target-gain baseline is a linear probe on θ₀.' },
  { id: 'permuted', label: 'Permuted pixels', description: 'The digits with a fixed seeded pixel permutation: a severe input shift with the same labels.' },
  {
    id: 'sotu',
    label: 'Moby Dick → State of the Union',
    description:
      'A language model pretrained on Moby Dick is fine-tuned on US State of the Union addresses (1790–2021). Retention = held-out Moby Dick loss, gain = held-out speech loss (mean token loss, nats; lower is better).',
  },
  { id: 'sotu-early', label: 'Moby Dick → 19th-century addresses', description: 'As Moby Dick → State of the Union, with the addresses before 1900 only: the nearer shift.' },
  { id: 'sotu-late', label: 'Moby Dick → modern addresses', description: 'As Moby Dick → State of the Union, with the addresses from 1945 on only: the farther shift.' },
  {
    id: 'spam-later',
    label: 'Spam filter: early → later mail',
    description:
      'An encoder pretrained to tell spam from ham on the first SpamAssassin collections (easy ham 1, spam 1) is fine-tuned on the later ones (easy ham 2, hard ham, spam 2): the same labels, newer spam and ham that reads like spam.',
  },
  {
    id: 'dataset',
    label: 'Your datasets',
    description:
      'Two datasets of the library (imported images, tables or labelled texts, or the built-in digits): the pretrain dataset is what must not be forgotten, the target dataset what is learned. The same classes reuse the pretrain head; other classes get a new one. Texts need the character encoder.',
  },
];

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
      ...t,
      sharesHead: sharesHead(t.id),
      recipes: RECIPES.filter((r) => recipeFits(r, t.id)),
      metric: metricOf(t.id),
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
