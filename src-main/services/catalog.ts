import type { Catalog } from '../../src-shared/api';
import { BACKENDS, sharesHead, studyConfigSchema, type BackendName } from '../../src-shared/config';
import { backendInstalled } from '../engine/backend-availability';
import { methodCatalog } from '../engine/methods/registry';
import { RECIPE_CATALOG } from '../engine/models/recipes';

const TASKS = [
  { id: 'rotate90', label: 'Rotated digits', description: 'The same ten digits rotated by 90°: a domain shift with the same labels, so the pretrain head is reused.' },
  { id: 'new-classes', label: 'New classes (0-4 → 5-9)', description: 'Pretrain on digits 0-4, fine-tune on 5-9 with a new head. The target-gain baseline is a linear probe on θ₀.' },
  { id: 'permuted', label: 'Permuted pixels', description: 'The digits with a fixed seeded pixel permutation: a severe input shift with the same labels.' },
] as const;

/** The default study: the built-in digits, an MLP base model, vanilla fine-tuning and the WiSE-FT sweep. */
export function defaultStudy() {
  return studyConfigSchema.parse({ name: 'Built-in digits study', methods: [{ id: 'vanilla' }, { id: 'wiseft' }] });
}

/** Everything the wizard offers: methods from the registry, recipes, tasks, backends and the default study. */
export function buildCatalog(): Catalog {
  return {
    methods: methodCatalog(),
    recipes: RECIPE_CATALOG,
    tasks: TASKS.map((t) => ({ ...t, sharesHead: sharesHead(t.id) })),
    backends: BACKENDS.map((id) =>
      id === 'auto' ? { id, available: true, why: 'the best backend that works on this machine' } : { id, ...backendInstalled(id as BackendName) },
    ),
    defaultStudy: defaultStudy(),
  };
}
