import {
  expandStudy,
  standardizes,
  type BaseModelSpec,
  type PretrainRunConfig,
  type RunConfig,
  type StudyConfig,
  type TargetTask,
} from '../../src-shared/config';
import { taskOf } from '../../src-shared/tasks/lookup';
import { textTokenizerFor } from '../engine/data/text-study-data';
import type { LibraryStudy } from './library-study';

/** The base-model spec of a library study: the pretrain dataset's classes and sample shape (text: its tokenizer), and an imported model's architecture. */
function librarySpec(spec: BaseModelSpec, library: LibraryStudy): BaseModelSpec {
  const classes = library.pretrain.classes.map((_, i) => i);
  const classNames = library.pretrain.classes.map((c) => c.label);
  const kind = library.pretrain.kind;
  // Settings that do not apply to the pretrain dataset's kind take one fixed value, so changing them does not pretrain another model.
  const data =
    spec.data.source === 'library'
      ? {
          ...spec.data,
          standardize: kind === 'tabular' && standardizes(spec.data, library.model !== null),
          minCharCount: kind === 'text' ? spec.data.minCharCount : 1,
        }
      : spec.data;
  // A text model's input is its context of tokens; its vocabulary is in the tokenizer.
  if (library.tokenizer) return { ...spec, data, classes, classNames, tokenizer: library.tokenizer };
  const common = { ...spec, data, classes, classNames, inputShape: library.pretrain.shape as [number, number, number] };
  if (!library.model) return common;
  const { engineSpec, summary } = library.model;
  const { inputShape, backbone, headUnits, frozen } = engineSpec;
  return { ...common, recipe: 'imported', imported: { id: summary.id, inputShape, backbone, headUnits, frozen } };
}

/**
 * A study's base-model spec and run configs (its pretraining run's and its fine-tuning runs'). A
 * text base model's spec gets its tokenizer, built here from its pretrain corpus: the vocabulary is
 * then part of the model's identity (a study with another vocabulary pretrains another model) and is
 * stored with it and with every run. A library study's spec gets its datasets' facts (looked up by
 * lookUpLibrary), its data settings normalised to the pretrain dataset's kind: that spec's `data` is
 * the one data block of every run.
 */
export function resolveStudy(
  study: StudyConfig,
  library: LibraryStudy | null = null,
): { baseModel: BaseModelSpec; pretrain: PretrainRunConfig; runs: RunConfig[] } {
  const expanded = expandStudy(study);
  const { baseModel, pretrain, runs } = expanded;
  let resolved: BaseModelSpec;
  if (study.data.source === 'text') resolved = { ...baseModel, tokenizer: textTokenizerFor(study.data, study.target.task) };
  else if (library) resolved = librarySpec(baseModel, library);
  else return expanded;
  return { baseModel: resolved, pretrain: { ...pretrain, baseModel: resolved }, runs: runs.map((r) => ({ ...r, baseModel: resolved })) };
}

/** A readable name of a base model: what it is and what it was pretrained on (the task's pretrain data; for library data: the pretrain dataset's name). */
export function baseModelName(spec: BaseModelSpec, task: TargetTask, datasetName?: string): string {
  return `${spec.recipe.toUpperCase()} on ${datasetName ?? taskOf(task).pretrainedOn}`;
}
