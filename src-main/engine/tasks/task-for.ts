import { DEFAULT_LOSS_RISE, targetObjectiveOf, type Objective, type TargetTask } from '../../../src-shared/config';
import { taskOf } from '../../../src-shared/tasks/lookup';
import { classification } from './classification';
import { languageModel } from './language-model';
import type { StudyTasks, Task } from './task';

function taskOfObjective(objective: Objective, lossRise: number): Task {
  return objective === 'language-model' ? languageModel(lossRise) : classification;
}

/** The task a base model is pretrained and its retention measured by; `lossRise` sets a language model's collateral-damage threshold. */
export function taskFor(target: TargetTask, lossRise = DEFAULT_LOSS_RISE): Task {
  return taskOfObjective(taskOf(target).objective, lossRise);
}

/** The pretrain and target tasks of a study of a target task. */
export function studyTasks(target: TargetTask, lossRise = DEFAULT_LOSS_RISE): StudyTasks {
  return { pretrain: taskFor(target, lossRise), target: taskOfObjective(targetObjectiveOf(target), lossRise) };
}
