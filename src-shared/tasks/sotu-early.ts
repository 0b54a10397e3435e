import { defineTask } from './task';

/** Moby Dick → the State of the Union addresses before 1900: the nearer shift. */
export const sotuEarly = defineTask({
  id: 'sotu-early',
  label: 'Moby Dick → 19th-century addresses',
  description: 'As Moby Dick → State of the Union, with the addresses before 1900 only: the nearer shift.',
  domain: 'text',
  objective: 'language-model',
  pretrainedOn: 'Moby Dick',
  classes: { pretrain: [], target: [] },
  pretrain: { corpus: 'moby-dick' },
  target: { corpus: 'sotu', keep: (d) => d.year! < 1900 },
});
