import { DEFAULT_LOSS_RISE, type TargetTask } from '../../../src-shared/config';
import { taskOf } from '../../../src-shared/tasks/lookup';
import { classification } from './classification';
import { languageModel } from './language-model';
import type { Task } from './task';

/** The task object of a target task; `lossRise` sets a language model's collateral-damage threshold. */
export function taskFor(target: TargetTask, lossRise = DEFAULT_LOSS_RISE): Task {
  return taskOf(target).objective === 'language-model' ? languageModel(lossRise) : classification;
}
