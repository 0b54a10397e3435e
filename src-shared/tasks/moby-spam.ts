import { defineTask } from './task';

/**
 * A language model of Moby Dick fine-tuned into a spam filter: the pretrain side keeps its
 * language-model loss (next-token, or masked-token for a BERT), the target is learned as a
 * classifier by a new head, so retention is in nats and the gain in accuracy.
 */
export const mobySpam = defineTask({
  id: 'moby-spam',
  label: 'Moby Dick → spam filter',
  description:
    'A language model of Moby Dick is fine-tuned into a spam filter on SpamAssassin mail (ham or spam) with a new classification head: retention is its token loss on held-out Moby Dick, the gain its spam accuracy.',
  domain: 'text',
  objective: 'language-model',
  targetObjective: 'classification',
  pretrainedOn: 'Moby Dick',
  classes: { pretrain: [], target: [0, 1] },
  classNames: ['ham', 'spam'],
  pretrain: { corpus: 'moby-dick' },
  target: { corpus: 'spam-assassin' },
  classOf: (d) => Number(d.group.startsWith('spam')),
});
