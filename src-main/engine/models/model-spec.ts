import type { BaseModelSpec } from '../../../src-shared/config';
import type { ModelSpec } from './layers';
import { RECIPE_BACKBONES } from './recipes';

/** The model of a base-model spec; a new target head of `targetClasses` units when given. */
export function modelSpecFor(base: BaseModelSpec, targetClasses: number | null): ModelSpec {
  const backbone = RECIPE_BACKBONES[base.recipe];
  if (!backbone) throw new Error(`Unknown recipe '${base.recipe}'`);
  return { recipe: base.recipe, inputShape: [28, 28, 1], backbone, pretrainClasses: base.classes.length, targetClasses };
}
