import { Rng } from '../rng';
import { defineTask } from './task';

const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** The digits with a fixed seeded pixel permutation: a severe input shift with the same labels. */
export const permuted = defineTask({
  id: 'permuted',
  label: 'Permuted pixels',
  description: 'The digits with a fixed seeded pixel permutation: a severe input shift with the same labels.',
  domain: 'digits',
  objective: 'classification',
  pretrainedOn: 'digits 0-9',
  classes: { pretrain: DIGITS, target: DIGITS },
  // Salted so that the permutation does not follow the split's own order.
  transform: ([h, w, c], seed) => {
    const perm = new Rng(seed + 7919).permutation(h * w * c);
    return (image) => Float32Array.from(perm, (p) => image[p]);
  },
});
