import { targetDatasets, type LibraryDataConfig, type StudyConfig, type TokenizerSpec } from '../../src-shared/config';
import type { DatasetSummary } from '../../src-shared/datasets';
import { libraryCompatibility, type LibraryCompatibility } from '../../src-shared/library-compat';
import { getImportedModelInfo, type ImportedModelInfo } from '../db/imported-models';
import type { Db } from '../db/types';
import { buildCharTokenizer, normaliseText } from '../engine/data/char-tokenizer';
import { libraryTextDataset } from '../engine/data/library-datasets';
import { datasetSummaryOf } from './dataset-service';

/** What a study's base model needs from the library: its pretrain dataset, its imported model, how they fit the targets and a text tokenizer. */
export interface LibraryStudy {
  pretrain: DatasetSummary;
  /** The imported base model, or null for a recipe pretrained in the workbench. */
  model: ImportedModelInfo | null;
  /** How the base model and the pretrain dataset fit the first target. */
  compat: LibraryCompatibility;
  /** Text datasets: the character tokenizer built from the pretrain dataset's training texts (part of the base model's identity). */
  tokenizer: TokenizerSpec | null;
}

/** The tokenizer of a character encoder pretrained on a text dataset: every character seen `minCharCount` times in its train split. */
function libraryTokenizer(db: Db, data: LibraryDataConfig): TokenizerSpec {
  const texts = libraryTextDataset(db, data.pretrain);
  return buildCharTokenizer(
    Array.from(texts.splits.train, (r) => normaliseText(texts.texts[r])),
    data.minCharCount,
  );
}

/**
 * Looks up the datasets and imported model a study names and checks them against each other.
 * `issues` are "field: problem" lines (an id that names nothing, shapes or classes that do not fit);
 * `library` is null for a study on built-in data.
 */
export function lookUpLibrary(db: Db, study: StudyConfig): { library: LibraryStudy | null; issues: string[] } {
  const issues: string[] = [];
  const imported = study.baseModel.imported;
  const model = imported === undefined ? null : getImportedModelInfo(db, imported);
  if (imported !== undefined && !model) issues.push(`baseModel.imported: no imported model with id '${imported}' (see \`retainlab models list\`)`);
  const ids = targetDatasets(study.target);
  const data = study.data;
  if (data.source !== 'library' || ids.length === 0) return { library: null, issues };
  // The config field that names each target dataset.
  const fieldOf = (i: number) => (i === 0 ? 'target.dataset' : `target.thenDatasets.${i - 1}`);
  const find = (id: string, field: string) => {
    const found = datasetSummaryOf(db, id);
    if (!found) issues.push(`${field}: no dataset with id '${id}' in the library (see \`retainlab datasets list\`)`);
    return found;
  };
  const pretrain = find(data.pretrain, 'data.pretrain');
  const targets = ids.map((id, i) => find(id, fieldOf(i)));
  if (!pretrain || targets.some((t) => !t) || (imported !== undefined && !model)) return { library: null, issues };
  const base = model ? { imported: model.summary } : { recipe: study.baseModel.recipe };
  const checks = (targets as DatasetSummary[]).map((target) => libraryCompatibility(base, pretrain, target, data));
  // A problem every stage shares (the base model against the pretrain dataset) is said once.
  const key = (issue: { path: string[]; message: string }) => `${issue.path.join('.')}: ${issue.message}`;
  const saidFirst = new Set(checks[0].issues.map(key));
  checks.forEach((check, i) => {
    const own = i === 0 ? check.issues : check.issues.filter((issue) => !saidFirst.has(key(issue)));
    issues.push(...own.map((issue) => `${issue.path.join('.') === 'target.dataset' ? fieldOf(i) : issue.path.join('.')}: ${issue.message}`));
    if (ids.length > 1 && !check.sharesHead && check.issues.length === 0) {
      issues.push(
        `${fieldOf(i)}: '${targets[i]!.name}' has other classes than the pretrain dataset; a sequence's datasets share the pretrain head, so that every one can be evaluated after every stage`,
      );
    }
  });
  const compat = checks[0];
  if (ids.length > 1)
    compat.notes.push(
      `Then, in turn: ${targets
        .slice(1)
        .map((t) => t!.name)
        .join(', ')} (a sequence: every dataset is evaluated after every stage).`,
    );
  const tokenizer = pretrain.kind === 'text' && compat.issues.length === 0 ? libraryTokenizer(db, data) : null;
  return { library: { pretrain, model, compat, tokenizer }, issues };
}
