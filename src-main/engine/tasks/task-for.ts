import { DEFAULT_LOSS_RISE, TASK_KIND, type TargetTask } from '../../../src-shared/config';
import { classification } from './classification';
import { languageModel } from './language-model';
import type { Task } from './task';

/** The task object of a target task; `lossRise` sets a language model's collateral-damage threshold. */
export function taskFor(target: TargetTask, lossRise = DEFAULT_LOSS_RISE): Task {
  return TASK_KIND[target].objective === 'language-model' ? languageModel(lossRise) : classification;
}
