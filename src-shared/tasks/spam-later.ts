import { defineTask } from './task';

const firstCollections = new Set(['easy-ham-1', 'spam-1']);

/**
 * A spam filter pretrained on the first SpamAssassin collections moves to the later ones, whose hard
 * ham reads like spam and whose spam is newer: the same labels, a shifted distribution.
 */
export const spamLater = defineTask({
  id: 'spam-later',
  label: 'Spam filter: early → later mail',
  description:
    'An encoder pretrained to tell spam from ham on the first SpamAssassin collections (easy ham 1, spam 1) is fine-tuned on the later ones (easy ham 2, hard ham, spam 2): the same labels, newer spam and ham that reads like spam.',
  domain: 'text',
  objective: 'classification',
  pretrainedOn: 'early SpamAssassin mail',
  classes: { pretrain: [0, 1], target: [0, 1] },
  classNames: ['ham', 'spam'],
  pretrain: { corpus: 'spam-assassin', keep: (d) => firstCollections.has(d.group) },
  target: { corpus: 'spam-assassin', keep: (d) => !firstCollections.has(d.group) },
  classOf: (d) => Number(d.group.startsWith('spam')),
});
