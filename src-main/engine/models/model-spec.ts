import type { BaseModelSpec } from '../../../src-shared/config';
import { vocabularySize } from '../data/char-tokenizer';
import type { HeadSpecs, LayerSpec } from '../../../src-shared/layer-spec';
import type { ModelSpec } from './layers';
import { RECIPE_BACKBONES, TRANSFORMER_RECIPES, transformerBackbone } from './recipes';

/**
 * The model of a base-model spec; a new target head of `targetClasses` units when given. A text
 * model's embedding and (for the language model) its head span the tokenizer's vocabulary; an
 * imported model is the architecture stored in its spec. Fresh weights (a recipe's, an imported model's new head) start as `init` says.
 */
export function modelSpecFor(base: BaseModelSpec, targetClasses: number | null): ModelSpec {
  if (base.recipe === 'imported') {
    if (!base.imported) throw new Error('An imported base model needs its architecture in its spec');
    const { inputShape, backbone, headUnits, heads, batchNorm } = base.imported;
    const layers = (backbone as LayerSpec[]).map((l) => (l.kind === 'graph' && batchNorm ? { ...l, batchNorm } : l));
    return {
      recipe: 'imported',
      inputShape,
      backbone: layers,
      pretrainClasses: headUnits,
      targetClasses,
      heads: heads as HeadSpecs | undefined,
      init: base.init,
    };
  }
  const transformer = TRANSFORMER_RECIPES[base.recipe];
  if (transformer) {
    if (!base.tokenizer) throw new Error(`The text recipe '${base.recipe}' needs the base model's tokenizer in its spec`);
    const vocab = vocabularySize(base.tokenizer);
    const pretrainClasses = transformer.role === 'decoder' ? vocab : base.classes.length;
    const backbone = transformerBackbone(transformer, vocab);
    // A language model fine-tuned into a classifier: the new head reads the mean of the positions, as the encoder's does.
    const heads: HeadSpecs | undefined =
      transformer.role === 'decoder' && targetClasses !== null ? { target: { layers: [{ kind: 'pool', name: 'target_pool' }] } } : undefined;
    return {
      recipe: base.recipe,
      inputShape: [transformer.context, 1, 1],
      backbone,
      pretrainClasses,
      targetClasses,
      init: base.init,
      ...(heads ? { heads } : {}),
    };
  }
  const backbone = RECIPE_BACKBONES[base.recipe];
  if (!backbone) throw new Error(`Unknown recipe '${base.recipe}'`);
  return { recipe: base.recipe, inputShape: base.inputShape ?? [28, 28, 1], backbone, pretrainClasses: base.classes.length, targetClasses, init: base.init };
}
