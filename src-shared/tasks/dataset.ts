import { defineTask } from './task';

/** Two or more datasets of the library: their labels decide the classes, the head and the class names once the store is read. */
export const dataset = defineTask({
  id: 'dataset',
  label: 'Your datasets',
  description:
    'Two datasets of the library (imported images, tables or labelled texts, or the built-in digits): the pretrain dataset is what must not be forgotten, the target dataset what is learned. The same classes reuse the pretrain head; other classes get a new one. Texts need the character encoder.',
  domain: 'library',
  objective: 'classification',
  pretrainedOn: 'the pretrain dataset',
  classes: { pretrain: [], target: [] },
});
