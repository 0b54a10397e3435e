import { defineTask } from './task';

/** A character language model moves from Moby Dick to every State of the Union address. */
export const sotu = defineTask({
  id: 'sotu',
  label: 'Moby Dick → State of the Union',
  description:
    'A language model pretrained on Moby Dick is fine-tuned on US State of the Union addresses (1790–2021). Retention = held-out Moby Dick loss, gain = held-out speech loss (mean token loss, nats; lower is better).',
  domain: 'text',
  objective: 'language-model',
  pretrainedOn: 'Moby Dick',
  classes: { pretrain: [], target: [] },
  pretrain: { corpus: 'moby-dick' },
  target: { corpus: 'sotu' },
});
