import { defineTask } from './task';

/** Moby Dick → the State of the Union addresses from 1945 on: the farther shift. */
export const sotuLate = defineTask({
  id: 'sotu-late',
  label: 'Moby Dick → modern addresses',
  description: 'As Moby Dick → State of the Union, with the addresses from 1945 on only: the farther shift.',
  domain: 'text',
  objective: 'language-model',
  pretrainedOn: 'Moby Dick',
  classes: { pretrain: [], target: [] },
  pretrain: { corpus: 'moby-dick' },
  target: { corpus: 'sotu', keep: (d) => d.year! >= 1945 },
});
