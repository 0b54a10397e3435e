import { defineTask } from './task';

/** Pretrain on digits 0-4, learn 5-9 with a new head. */
export const newClasses = defineTask({
  id: 'new-classes',
  label: 'New classes (0-4 → 5-9)',
  description: 'Pretrain on digits 0-4, fine-tune on 5-9 with a new head. The target-gain baseline is a linear probe on θ₀.',
  domain: 'digits',
  objective: 'classification',
  pretrainedOn: 'digits 0-4',
  classes: { pretrain: [0, 1, 2, 3, 4], target: [5, 6, 7, 8, 9] },
});
