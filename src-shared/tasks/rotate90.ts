import { defineTask } from './task';

const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** The ten digits rotated by 90°: a domain shift with the same labels. */
export const rotate90 = defineTask({
  id: 'rotate90',
  label: 'Rotated digits',
  description: 'The same ten digits rotated by 90°: a domain shift with the same labels, so the pretrain head is reused.',
  domain: 'digits',
  objective: 'classification',
  pretrainedOn: 'digits 0-9',
  classes: { pretrain: DIGITS, target: DIGITS },
  // Counter-clockwise: out[r][c] = in[c][side−1−r] (square grey images).
  transform:
    ([side]) =>
    (image) => {
      const out = new Float32Array(side * side);
      for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) out[r * side + c] = image[c * side + (side - 1 - r)];
      return out;
    },
});
