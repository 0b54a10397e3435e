import { expandStudy, type BaseModelSpec, type RunConfig, type StudyConfig, type TargetTask } from '../../src-shared/config';
import { textTokenizerFor } from '../engine/data/text-study-data';

/** What each text task pretrains on, for base-model names. */
const PRETRAIN_CORPUS: Partial<Record<TargetTask, string>> = {
  sotu: 'Moby Dick',
  'sotu-early': 'Moby Dick',
  'sotu-late': 'Moby Dick',
  'spam-later': 'early SpamAssassin mail',
};

/**
 * A study's base-model spec and run configs. A text base model's spec gets its tokenizer, built
 * here from its pretrain corpus: the vocabulary is then part of the model's identity (a study with
 * another vocabulary pretrains another model) and is stored with it and with every run.
 */
export function resolveStudy(study: StudyConfig): { baseModel: BaseModelSpec; runs: RunConfig[] } {
  const { baseModel, runs } = expandStudy(study);
  if (study.data.source !== 'text') return { baseModel, runs };
  const withTokenizer: BaseModelSpec = { ...baseModel, tokenizer: textTokenizerFor(study.data, study.target.task) };
  return { baseModel: withTokenizer, runs: runs.map((r) => ({ ...r, baseModel: withTokenizer })) };
}

/** A readable name of a base model: what it is and what it was pretrained on. */
export function baseModelName(spec: BaseModelSpec, task: TargetTask): string {
  const corpus = PRETRAIN_CORPUS[task];
  return corpus ? `${spec.recipe.toUpperCase()} on ${corpus}` : `${spec.recipe.toUpperCase()} on digits ${spec.classes.join(',')}`;
}
