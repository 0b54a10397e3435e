import type { LibraryDataConfig } from './config';
import { FEATURE_NAMES_LISTED, type DatasetSummary, type ImportedModelSummary } from './datasets';

/** The base model of a library study as far as compatibility goes: a built-in recipe, or an imported model. */
export type LibraryBase = { recipe: string } | { imported: ImportedModelSummary };

/** Whether a library study can run, what it will do with the head, and what the researcher should know. */
export interface LibraryCompatibility {
  /** Problems that stop the study, each with the config field to change. */
  issues: { path: string[]; message: string }[];
  /** Facts about how the study will run (head reuse, standardisation, …). */
  notes: string[];
  /** True when both datasets have the same label set: the target reuses the pretrain head. */
  sharesHead: boolean;
}

/** "28×28×1" for a sample shape; tables as "n features". */
export function shapeLabel(shape: readonly number[], kind: DatasetSummary['kind'] | 'model'): string {
  if (kind === 'tabular' || (kind === 'model' && shape[0] === 1 && shape[2] === 1)) return `rows of ${shape[1]} features`;
  return `${shape.join('×')} samples`;
}

/** True when two datasets have the same class labels, in any order: the target can then reuse the pretrain head. */
export function sameLabelSet(a: readonly string[], b: readonly string[]): boolean {
  const [x, y] = [[...a].sort(), [...b].sort()];
  return x.length === y.length && x.every((l, i) => l === y[i]);
}

/** The smallest image side the CNN recipe takes: its two unpadded convolutions (5×5 / 2, then 3×3 / 2) leave nothing of a smaller one. */
const CNN_MIN_SIDE = 9;

function listNames(names: string[]): string {
  return names.length > 8 ? `${names.slice(0, 8).join(', ')}, … (${names.length})` : names.join(', ');
}

/** A table's columns as a message lists them: the first names, and how many there are in all (a summary lists only some). */
function listColumns(d: DatasetSummary): string {
  const count = d.shape[1];
  return count > 8 ? `${d.featureNames.slice(0, 8).join(', ')}, … (${count})` : d.featureNames.join(', ');
}

function listed(d: DatasetSummary): string {
  return listNames(d.classes.map((c) => c.label));
}

/** True when an imported model takes a dataset's samples: the same shape, or a flat input of as many values. */
function modelTakes(model: ImportedModelSummary, shape: number[]): boolean {
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  if (model.inputShape.length === shape.length && model.inputShape.every((v, i) => v === shape[i])) return true;
  return model.inputShape[0] === 1 && model.inputShape[2] === 1 && size(model.inputShape) === size(shape);
}

/**
 * Checks a base model against a pretrain and a target dataset of the library: sample shapes (and a
 * table's columns) must agree, with each other and with an imported model's input; an imported
 * model's head must have a unit per pretrain class; text goes to the character encoder only; and the
 * label sets decide between reusing the pretrain head and a new one.
 */
export function libraryCompatibility(
  base: LibraryBase,
  pretrain: DatasetSummary,
  target: DatasetSummary,
  options: Pick<LibraryDataConfig, 'standardize' | 'minCharCount'>,
): LibraryCompatibility {
  const issues: LibraryCompatibility['issues'] = [];
  const notes: string[] = [];
  const readsText = !('imported' in base) && base.recipe === 'char-encoder';
  const roles = [
    [pretrain, ['data', 'pretrain']],
    [target, ['target', 'dataset']],
  ] as const;
  // A control study names one dataset twice: its problems are said once.
  for (const [d, path] of pretrain.id === target.id ? roles.slice(0, 1) : roles) {
    if (d.kind === 'text' && 'imported' in base)
      issues.push({
        path: [...path],
        message: `the model '${base.imported.name}' takes ${shapeLabel(base.imported.inputShape, 'model')}, but '${d.name}' is a text dataset`,
      });
    else if (d.kind === 'text' && !readsText)
      issues.push({ path: ['baseModel', 'recipe'], message: `'${d.name}' is a text dataset: choose the character encoder (char-encoder) as the base model` });
    if (d.kind !== 'text' && readsText)
      issues.push({
        path: ['baseModel', 'recipe'],
        message: `the character encoder reads text, but '${d.name}' holds ${d.kind === 'images' ? 'images: choose the MLP or the CNN' : 'numeric features: choose the MLP'}`,
      });
    if (d.classes.length < 2)
      issues.push({
        path: [...path],
        message: `'${d.name}' has ${d.classes.length ? 'one class' : 'no class labels'}: a study needs a labelled dataset of two or more classes`,
      });
  }
  if (issues.length) return { issues, notes, sharesHead: false };
  if (readsText)
    notes.push(
      `The encoder reads the start of every text (its context length); its vocabulary is the characters seen at least ${options.minCharCount} times in the train split of '${pretrain.name}'.`,
    );
  else if (pretrain.shape.join() !== target.shape.join()) {
    issues.push({
      path: ['target', 'dataset'],
      message: `'${target.name}' has ${shapeLabel(target.shape, target.kind)} but the pretrain dataset '${pretrain.name}' has ${shapeLabel(pretrain.shape, pretrain.kind)}: they must match (re-import images with the same size and colour option)`,
    });
  } else if (pretrain.featuresKey !== target.featuresKey) {
    issues.push({
      path: ['target', 'dataset'],
      message:
        target.featureNames.join('\n') === pretrain.featureNames.join('\n')
          ? `'${target.name}' and the pretrain dataset '${pretrain.name}' have ${target.shape[1]} columns that differ in name or order after the first ${FEATURE_NAMES_LISTED}: the same features are needed in the same order`
          : `'${target.name}' has the columns ${listColumns(target)} but the pretrain dataset '${pretrain.name}' has ${listColumns(pretrain)}: the same features are needed in the same order`,
    });
  }
  if ('imported' in base) {
    const model = base.imported;
    if (!modelTakes(model, pretrain.shape)) {
      issues.push({
        path: ['data', 'pretrain'],
        message: `the model '${model.name}' takes ${shapeLabel(model.inputShape, 'model')} but '${pretrain.name}' has ${shapeLabel(pretrain.shape, pretrain.kind)}: choose the dataset the model was trained on`,
      });
    }
    if (model.classes !== pretrain.classes.length) {
      issues.push({
        path: ['data', 'pretrain'],
        message: `the model '${model.name}' has a head of ${model.classes} classes but '${pretrain.name}' has ${pretrain.classes.length}: the pretrain dataset must have the model's classes (head unit i is the dataset's i-th class in sorted order)`,
      });
    }
    if (pretrain.kind === 'tabular' && options.standardize)
      notes.push('Features are standardised with the mean and deviation of the pretrain train split; turn that off if the model was trained on raw features.');
  } else if (base.recipe === 'cnn' && pretrain.kind === 'tabular') {
    issues.push({
      path: ['baseModel', 'recipe'],
      message: `the CNN needs images, but '${pretrain.name}' holds ${shapeLabel(pretrain.shape, pretrain.kind)}: choose the MLP`,
    });
  } else if (base.recipe === 'cnn' && Math.min(pretrain.shape[0], pretrain.shape[1]) < CNN_MIN_SIDE) {
    issues.push({
      path: ['baseModel', 'recipe'],
      message: `the CNN needs images of at least ${CNN_MIN_SIDE}×${CNN_MIN_SIDE} pixels; '${pretrain.name}' has ${pretrain.shape.join('×')}: choose the MLP, or re-import the images larger`,
    });
  }
  const shares = sameLabelSet(
    pretrain.classes.map((c) => c.label),
    target.classes.map((c) => c.label),
  );
  if (pretrain.id === target.id) notes.push('The target is the pretrain dataset itself: a control where fine-tuning sees no shift.');
  if (shares) notes.push(`Both datasets have the same ${pretrain.classes.length} classes (${listed(pretrain)}): the pretrain head is reused.`);
  else
    notes.push(
      `The classes differ (pretrain: ${listed(pretrain)}; target: ${listed(target)}): a new head of ${target.classes.length} units is trained, and the target baseline A_tgt(θ₀) is a linear probe on θ₀'s features.`,
    );
  return { issues, notes, sharesHead: shares };
}
