import { z } from 'zod';
import { PRETRAIN_HEAD, TARGET_HEAD } from '../models/layers';
import { defineMethod } from './method';

/** The layer a weight belongs to (`dense1/kernel` → `dense1`). */
function layerOf(name: string): string {
  return name.slice(0, name.lastIndexOf('/'));
}

/** A weight of a built-in model's heads: under the pretrain or the target head's layer. */
const underHeadLayer = (name: string) => [PRETRAIN_HEAD, TARGET_HEAD].includes(layerOf(name));

/**
 * The weights that stay trainable when the backbone's first `freeze` parametric layers are frozen
 * (all of them when `freeze` is null). Names come backbone first, in forward order. `isHead` says which
 * weights belong to a head (the model knows: a BERT's MLM transform and its classifier's pooler do too).
 */
export function unfrozenWeights(names: string[], freeze: number | null, isHead: (name: string) => boolean = underHeadLayer): string[] {
  const backbone = [...new Set(names.filter((n) => !isHead(n)).map(layerOf))];
  const frozen = new Set(freeze === null ? backbone : backbone.slice(0, freeze));
  return names.filter((n) => !frozen.has(layerOf(n)));
}

/** Linear probe / partial freezing (docs/methods.md §3.2): only the head(s), or all but the first k backbone layers, train. */
export const linearProbe = defineMethod({
  id: 'linear-probe',
  label: 'Linear probe / freezing',
  // Paul Tol's muted green.
  style: { color: '#117733', marker: 'triangle-down', dash: 'dot' },
  summary:
    'Freezes the backbone (linear probe: only the heads train) or its first k parametric layers. The frozen weights cannot forget by ' +
    'construction; the cheapest baseline for target gain.',
  reference:
    'Linear probing as in Kumar et al., ICLR 2022, "Fine-Tuning can Distort Pretrained Features and Underperform Out-of-Distribution" (§2); ' +
    'freezing the first k layers as in Yosinski et al., NeurIPS 2014, "How transferable are features in deep neural networks?" (docs/methods.md §3.2).',
  params: z.strictObject({
    headOnly: z.boolean().default(true).meta({
      label: 'Head only (linear probe)',
      help: 'Trains only the heads: the pretrain head, and the new target head when the target has its own labels (Kumar et al. 2022). When on, "frozen layers" is ignored.',
    }),
    freezeLayers: z
      .number()
      .int()
      .min(0)
      .max(16)
      .default(1)
      .meta({
        label: 'Frozen layers (k)',
        appliesWhen: { headOnly: false },
        help:
          'With "head only" off: freezes the first k parametric backbone layers (dense or conv, in forward order; Yosinski et al. 2014) and trains ' +
          'the rest and the head. 0 freezes nothing (vanilla); k at or above the backbone\u2019s depth (2 for the MLP, 3 for the CNN) freezes all of it.',
      }),
  }),
  slots: ['trainable'],
  create: ({ params }) => {
    let heads: Set<string> | null = null;
    return {
      beforeTraining: ({ model }) => {
        heads = new Set([...model.headNames('pretrain'), ...model.headNames('target')]);
      },
      trainable: (names) => unfrozenWeights(names, params.headOnly ? null : params.freezeLayers, heads ? (n) => heads!.has(n) : undefined),
    };
  },
});
