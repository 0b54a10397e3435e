import type { LibraryDataConfig, StudyConfig, TokenizerSpec } from '../../src-shared/config';
import type { DatasetSummary } from '../../src-shared/datasets';
import { libraryCompatibility, type LibraryCompatibility } from '../../src-shared/library-compat';
import { getImportedModel, type ImportedModelRecord } from '../db/imported-models';
import type { Db } from '../db/types';
import { buildCharTokenizer, normaliseText } from '../engine/data/char-tokenizer';
import { loadStoredTextDataset } from '../import/load-stored-dataset';
import { datasetSummaryOf } from './dataset-service';

/** What a study reads from the library: its two datasets, its imported model and how they fit together. */
export interface LibraryStudy {
  pretrain: DatasetSummary;
  target: DatasetSummary;
  /** The imported base model, or null for a recipe pretrained in the workbench. */
  model: ImportedModelRecord | null;
  compat: LibraryCompatibility;
  /** Text datasets: the character tokenizer built from the pretrain dataset's training texts (part of the base model's identity). */
  tokenizer: TokenizerSpec | null;
}

/** The tokenizer of a character encoder pretrained on a text dataset: every character seen `minCharCount` times in its train split. */
function libraryTokenizer(db: Db, data: LibraryDataConfig): TokenizerSpec {
  const texts = loadStoredTextDataset(db, data.pretrain);
  return buildCharTokenizer(Array.from(texts.splits.train, (r) => normaliseText(texts.texts[r])), data.minCharCount);
}

/**
 * Looks up the datasets and imported model a study names and checks them against each other.
 * `issues` are "field: problem" lines (an id that names nothing, shapes or classes that do not fit);
 * `library` is null for a study on built-in data.
 */
export function lookUpLibrary(db: Db, study: StudyConfig): { library: LibraryStudy | null; issues: string[] } {
  const issues: string[] = [];
  const imported = study.baseModel.imported;
  const model = imported === undefined ? null : getImportedModel(db, imported);
  if (imported !== undefined && !model) issues.push(`baseModel.imported: no imported model with id '${imported}' (see \`retainlab models list\`)`);
  if (study.data.source !== 'library' || study.target.dataset === undefined) return { library: null, issues };
  const find = (id: string, field: string) => {
    const found = datasetSummaryOf(db, id);
    if (!found) issues.push(`${field}: no dataset with id '${id}' in the library (see \`retainlab datasets list\`)`);
    return found;
  };
  const pretrain = find(study.data.pretrain, 'data.pretrain');
  const target = find(study.target.dataset, 'target.dataset');
  if (!pretrain || !target || (imported !== undefined && !model)) return { library: null, issues };
  const compat = libraryCompatibility(model ? { imported: model.summary } : { recipe: study.baseModel.recipe }, pretrain, target, study.data);
  issues.push(...compat.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const tokenizer = pretrain.kind === 'text' && compat.issues.length === 0 ? libraryTokenizer(db, study.data) : null;
  return { library: { pretrain, target, model, compat, tokenizer }, issues };
}
