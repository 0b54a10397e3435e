import {
  expandStudy,
  type MethodChoice,
  standardizes,
  type BaseModelSpec,
  type ImportedArchitecture,
  type PretrainRunConfig,
  type RunConfig,
  type StudyConfig,
  type TargetTask,
} from '../../src-shared/config';
import { taskOf } from '../../src-shared/tasks/lookup';
import { DEFAULT_WEIGHT_INIT } from '../../src-shared/weight-init';
import { textTokenizerFor } from '../engine/data/text-study-data';
import type { ImportedModelInfo } from '../db/imported-models';
import type { LibraryStudy } from './library-study';

/** The base-model spec of a library study: the pretrain dataset's classes and sample shape (text: its tokenizer), and an imported model's architecture. */
function librarySpec(spec: BaseModelSpec, library: LibraryStudy, batchNorm: StudyConfig['baseModel']['batchNorm']): BaseModelSpec {
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
  return { ...common, recipe: 'imported', imported: importedArchitecture(library.model, batchNorm) };
}

/** An imported model's architecture as a base-model spec carries it. */
export function importedArchitecture(model: ImportedModelInfo, batchNorm: StudyConfig['baseModel']['batchNorm']): ImportedArchitecture {
  const { inputShape, backbone, headUnits, frozen, heads } = model.engineSpec;
  // Only 'update' is written, so a model fine-tuned with frozen statistics keeps the identity it had.
  const statistics = batchNorm === 'update' ? { batchNorm } : {};
  // A BERT checkpoint's text loss is its masked-LM loss: part of the architecture as a study runs it.
  const objective = model.summary.family === 'bert' ? { objective: 'masked-lm' as const } : {};
  return { id: model.summary.id, inputShape, backbone, headUnits, frozen, ...(heads ? { heads: { ...heads } } : {}), ...statistics, ...objective };
}

/**
 * A study's base-model specs (one per point of a data sweep) with their pretraining runs, and its
 * fine-tuning runs. A text base model's spec gets its tokenizer, built here from its pretrain corpus:
 * the vocabulary is then part of the model's identity (a study with another vocabulary pretrains
 * another model) and is stored with it and with every run. A library study's spec gets its datasets'
 * facts (looked up by lookUpLibrary), its data settings normalised to the pretrain dataset's kind:
 * that spec's `data` is the one data block of every run. Swept method parameters that do not apply at
 * a run's point are left out of its method (`settle`, as parseMethodChoice stores a method).
 */
export function resolveStudy(
  study: StudyConfig,
  library: LibraryStudy | null = null,
  settle: (method: MethodChoice) => MethodChoice = (m) => m,
  importedText: ImportedModelInfo | null = null,
): { bases: { baseModel: BaseModelSpec; pretrain: PretrainRunConfig }[]; runs: RunConfig[] } {
  const expanded = expandStudy(study);
  const resolve = (spec: BaseModelSpec): BaseModelSpec => {
    // An imported checkpoint brings its own tokenizer: it stays in the store with the model (its id names it), not in the spec.
    if (spec.data.source === 'text' && importedText)
      return { ...spec, recipe: 'imported', imported: importedArchitecture(importedText, study.baseModel.batchNorm) };
    if (spec.data.source === 'text') return { ...spec, tokenizer: textTokenizerFor(spec.data, study.target.task) };
    return library ? librarySpec(spec, library, study.baseModel.batchNorm) : spec;
  };
  const resolved = new Map(expanded.bases.map(({ baseModel }) => [JSON.stringify(baseModel), resolve(baseModel)]));
  const of = (spec: BaseModelSpec) => resolved.get(JSON.stringify(spec))!;
  return {
    bases: expanded.bases.map(({ baseModel, pretrain }) => ({ baseModel: of(baseModel), pretrain: { ...pretrain, baseModel: of(baseModel) } })),
    runs: expanded.runs.map((r) => ({ ...r, baseModel: of(r.baseModel), method: r.sweep ? settle(r.method) : r.method })),
  };
}

/** A readable name of a base model: what it is and what it was pretrained on (the task's pretrain data; for library data: the pretrain dataset's name), and an initialisation other than the default. */
export function baseModelName(spec: BaseModelSpec, task: TargetTask, datasetName?: string): string {
  const init = spec.init === DEFAULT_WEIGHT_INIT ? '' : ` (${spec.init} init)`;
  return `${spec.recipe.toUpperCase()} on ${datasetName ?? taskOf(task).pretrainedOn}${init}`;
}
