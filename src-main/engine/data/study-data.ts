import type { BaseModelSpec, RunConfig } from '../../../src-shared/config';
import { taskOf } from '../../../src-shared/tasks/lookup';
import type { StoreSource } from '../../store-read/stored-datasets';
import { storedTokenizer } from '../../store-read/stored-tokenizer';
import { TRANSFORMER_RECIPES } from '../models/recipes';
import type { Dataset } from './dataset';
import { buildDigitsStudyData } from './digits-study-data';
import { HfTextTokenizer } from './hf-text-tokenizer';
import { buildImportedTextStudyData, importedTextWindow } from './imported-text-study-data';
import { libraryStudyStages } from './library-study-data';
import { maskTokensOf } from './masked-lm-windows';
import { buildTextStudyData } from './text-study-data';

/** The four disjoint splits a study uses. */
export interface StudyData {
  pretrainTrain: Dataset;
  pretrainEval: Dataset;
  targetTrain: Dataset;
  targetEval: Dataset;
  /** The target has the pretrain label space and reuses the pretrain head. */
  sameHead: boolean;
  /** What the pretrain data and the target are called in logs and a sequence's matrix (task ids, corpora, dataset names). */
  labels: { pretrain: string; target: string };
}

/** Where a library study's datasets are read: the store (its file, or an open connection) and the target dataset's id. */
export interface LibrarySource {
  store: StoreSource;
  target: string;
}

/**
 * The four splits of a study for its base model: the digits, datasets of the library, or text tokenised
 * with the base model's own tokenizer (an imported checkpoint's is read from `store`, where it was stored with the model).
 */
export function buildStudyData(
  base: Pick<BaseModelSpec, 'recipe' | 'data' | 'tokenizer' | 'imported'>,
  task: RunConfig['target']['task'],
  library?: LibrarySource,
  store?: StoreSource,
): StudyData {
  if (base.data.source === 'mnist-digits') {
    const definition = taskOf(task);
    if (definition.domain !== 'digits') throw new Error(`The task '${task}' is not a digits task; it cannot read the built-in digits`);
    return buildDigitsStudyData(base.data, definition);
  }
  if (base.data.source === 'library') {
    if (!library) throw new Error('A study on library datasets needs the store and its target dataset');
    return libraryStudyStages(base, [library.target], library.store)[0];
  }
  if (base.imported) {
    if (!store) throw new Error(`A text study on the imported model '${base.imported.id}' needs the store, which holds its tokenizer`);
    const tok = new HfTextTokenizer(base.imported.id, storedTokenizer(store, base.imported.id), base.imported.headUnits);
    const masked = base.imported.objective === 'masked-lm' ? maskTokensOf(tok) : null;
    return buildImportedTextStudyData(base.data, task, tok, importedTextWindow(base.imported.inputShape[0]), masked);
  }
  const recipe = TRANSFORMER_RECIPES[base.recipe];
  if (!recipe || !base.tokenizer)
    throw new Error(
      `Text data needs a text base model with a tokenizer; '${base.recipe}' has ${base.tokenizer ? 'a tokenizer but is not a text recipe' : 'none'}`,
    );
  return buildTextStudyData(base.data, task, base.tokenizer, recipe.context);
}

/**
 * The splits of every stage of a study (one task, or a sequence): built-in tasks one by one;
 * library datasets read together, so the pretrain dataset is loaded and split once for all stages.
 */
export function buildStudyStages(
  base: Pick<BaseModelSpec, 'recipe' | 'data' | 'tokenizer' | 'imported'>,
  tasks: RunConfig['target']['task'][],
  library?: { store: StoreSource; targets: string[] },
): StudyData[] {
  if (base.data.source !== 'library') return tasks.map((task) => buildStudyData(base, task, undefined, library?.store));
  if (!library) throw new Error('A study on library datasets needs the store and its target datasets');
  return libraryStudyStages(base, library.targets, library.store);
}
