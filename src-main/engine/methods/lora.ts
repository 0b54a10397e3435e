import { z } from 'zod';
import { backboneKernelKinds, PRETRAIN_HEAD } from '../models/layers';
import type { Model } from '../models/model';
import { Rng } from '../rng';
import { defineMethod, type NamedVariable } from './method';

/** Which kernel layers a LoRA choice adapts: backbone layers by kind or position, plus the pretrain head when asked. */
export function loraLayers(model: Model, layers: string, head: string): string[] {
  const kinds = backboneKernelKinds(model.spec);
  const backbone = model.kernelLayers().filter((layer) => kinds.has(layer));
  // A 1×1 convolution (MobileNet's expand and project layers) has a kernel [1, 1, in, out].
  const pointwise = (layer: string) => kinds.get(layer) === 'conv' && model.params.get(`${layer}/kernel`)!.shape.slice(0, 2).join() === '1,1';
  const chosen =
    layers === 'all'
      ? backbone
      : layers === 'last'
        ? backbone.slice(-1)
        : layers === 'pointwise'
          ? backbone.filter(pointwise)
          : backbone.filter((layer) => kinds.get(layer) === layers);
  if (!chosen.length) throw new Error(`LoRA: params.layers = '${layers}' but the ${model.spec.recipe} model has no such layers; choose 'all' or another kind.`);
  const tied = model.spec.heads?.pretrain?.tied;
  if (head === 'lora' && tied)
    throw new Error(`LoRA: params.head = 'lora' but the pretrain head is tied to ${tied} (it has no kernel of its own); choose 'frozen' or 'train'.`);
  return head === 'lora' ? [...chosen, PRETRAIN_HEAD] : chosen;
}

/** The adapter scale s of ΔW = s·A·B (docs/methods.md §3.9): 2 for α = 2r (Soutif et al.), α/r (PEFT), α/√r (rsLoRA). */
export function loraScale(mode: string, alpha: number, rank: number): number {
  if (mode === 'alpha=2r') return 2;
  return mode === 'alpha/r' ? alpha / rank : alpha / Math.sqrt(rank);
}

/** LoRA (docs/methods.md §3.9): frozen kernels plus trainable low-rank adapters ΔW = s·A·B, merged into the kernels after training. */
export const lora = defineMethod({
  id: 'lora',
  label: 'LoRA',
  // Paul Tol's muted purple.
  style: { color: '#AA4499', marker: 'star', dash: 'dot' },
  summary:
    'Freezes the chosen layers\u2019 kernels and trains a low-rank update ΔW = s·A·B per layer (A [fan-in, r], B [r, out], B = 0 at ' +
    'the start, so training starts from θ₀ exactly); conv kernels are adapted as [kh·kw·in, out]. Heads train in full. ' +
    'After training the adapters are merged: W ← W + s·A·B. \u201cFull rank\u201d trains the same layers\u2019 kernels instead, for comparison.',
  reference:
    'Hu et al., ICLR 2022, "LoRA", Eq. 3 (h = W₀x + ΔWx = W₀x + BAx, A random, B = 0; scale α/r) as in huggingface/peft; ' +
    'rsLoRA scale α/√r (Kalajdzievski 2023); forgetting protocol of Soutif--Cormerais et al., arXiv 2405.18069 §4 (α = 2r, merge after the task) ' +
    'and Biderman et al., arXiv 2405.09673.',
  params: z.strictObject({
    rank: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(8)
      .meta({
        label: 'Rank r',
        help:
          'Rank of each adapter. Soutif et al. sweep r ∈ {1, 2, 4, 8, 16, 32}: retention falls and target accuracy rises with r. ' +
          'On the built-in MLP, r = 1 … 64 spans \u201ckeeps most, learns little\u201d to \u201cclose to full fine-tuning\u201d (docs/methods.md §4).',
      }),
    scaleMode: z
      .enum(['alpha=2r', 'alpha/r', 'alpha/sqrt(r)'])
      .default('alpha=2r')
      .meta({
        label: 'Scale s',
        help:
          '\u2018alpha=2r\u2019: s = 2 whatever the rank, the protocol of Soutif et al. (α = 2r), so a rank sweep is not confounded with the scale; α is ignored. ' +
          '\u2018alpha/r\u2019: s = α/r as in LoRA and PEFT. \u2018alpha/sqrt(r)\u2019: s = α/√r (rsLoRA), which keeps updates of high ranks from shrinking.',
      }),
    alpha: z.number().min(0.01).max(4096).default(16).meta({
      label: 'α',
      help: 'Numerator of the scale in the \u2018alpha/r\u2019 and \u2018alpha/sqrt(r)\u2019 modes (PEFT\u2019s lora_alpha); 16 with r = 8 gives s = 2.',
    }),
    layers: z
      .enum(['all', 'dense', 'conv', 'pointwise', 'last', 'attention', 'mlp'])
      .default('all')
      .meta({
        label: 'Adapted layers',
        help:
          'Which backbone layers get adapters: \u2018all\u2019 kernel layers, only \u2018dense\u2019 or only \u2018conv\u2019 layers (conv kernels are adapted ' +
          'as [kh·kw·in, out]), only the 1×1 (\u2018pointwise\u2019) convolutions, the \u2018last\u2019 backbone layer, or in a transformer only the \u2018attention\u2019 projections (q, k, v, o of every block) ' +
          'or only the blocks\u2019 \u2018mlp\u2019 layers. Their biases stay frozen (PEFT\u2019s default bias = "none"), as do embeddings and layer norms.',
      }),
    head: z
      .enum(['train', 'lora', 'frozen'])
      .default('lora')
      .meta({
        label: 'Pretrain head',
        help:
          '\u2018train\u2019: the pretrain head trains in full, as a classifier does in PEFT (modules_to_save). \u2018lora\u2019: it is adapted like the ' +
          'chosen layers, its bias frozen \u2014 with the MLP that is LoRA on all three dense layers, the setting of docs/methods.md §4 (default: a head trained ' +
          'in full on a shared label space forgets by itself, hiding the effect of the rank). \u2018frozen\u2019: it stays as in θ₀, so only the adapters ' +
          'change the model (e.g. LoRA on a language model\u2019s attention alone). A new target head always trains in full.',
      }),
    merge: z
      .boolean()
      .default(true)
      .meta({
        label: 'Merge after training',
        help:
          'Fold each adapter into its kernel (W ← W + s·A·B) after the last step, as Soutif et al. do after each task; the function is unchanged. ' +
          'Off: the final evaluation runs with the adapters still separate (a check that merging changes nothing). Adapters are not stored, ' +
          'so the run\u2019s checkpoint holds merged weights either way.',
      }),
    full: z
      .boolean()
      .default(false)
      .meta({
        label: 'Full rank instead (comparison)',
        help:
          'Train the same layers\u2019 kernels at full rank, with no adapters (their biases still frozen; heads as above): the \u201cfull\u201d baseline ' +
          'of Soutif et al., which LoRA at low rank should forget less than.',
      }),
  }),
  setting: (params) => (params.full ? 'full rank' : null),
  slots: ['trainable'],
  validate: (params, { partners, sequence }) => [
    ...(!params.merge && partners.some((p) => p.postHoc)
      ? [
          `merge must be on when combined with ${partners
            .filter((p) => p.postHoc)
            .map((p) => p.label)
            .join(', ')}: it interpolates the kernels, so the adapters must be folded into them first`,
        ]
      : []),
    ...(!params.merge && sequence ? ['merge must be on in a sequence of tasks: each task gets a fresh adapter, merged after it (Soutif et al.)'] : []),
  ],
  // No saveState: the adapters are variables (saved with the weights); which layers they adapt follows from the parameters.
  create: ({ tf, params }) => {
    const full = params.full;
    let model: Model | null = null;
    let layers: string[] = [];
    return {
      beforeTraining: (setup) => {
        model = setup.model;
        layers = loraLayers(model, params.layers, params.head);
        if (full) return;
        const rank = params.rank;
        const scale = loraScale(params.scaleMode, params.alpha, rank);
        // A stream of its own: the run seed also drives the model's init and the batch order.
        const rng = new Rng(setup.seed ^ 0x4c6f5241);
        for (const layer of layers) {
          const kernel = model.params.get(`${layer}/kernel`)!;
          const out = kernel.shape[kernel.shape.length - 1];
          const fanIn = kernel.size / out;
          const bound = 1 / Math.sqrt(fanIn);
          const a0 = tf.tensor2d(
            Float32Array.from({ length: fanIn * rank }, () => rng.uniform(-bound, bound)),
            [fanIn, rank],
          );
          const b0 = tf.zeros([rank, out]);
          // The model owns the adapters from here on: it frees them when merged or disposed.
          model.adapters.set(layer, { a: tf.variable(a0), b: tf.variable(b0), scale });
          tf.dispose([a0, b0]);
        }
        setup.log(`LoRA: rank ${rank}, s = ${scale.toPrecision(3)} on ${layers.join(', ')}`);
      },
      trainable: (names) => {
        const m = model!;
        // An adapted head trains through its adapter; a frozen pretrain head not at all.
        const fixed = new Set([...layers, ...(params.head === 'frozen' ? [PRETRAIN_HEAD] : [])]);
        const heads = [...m.headNames('pretrain'), ...m.headNames('target')].filter((n) => !fixed.has(n.slice(0, n.lastIndexOf('/'))));
        const keep = new Set([...heads, ...(full ? layers.map((l) => `${l}/kernel`) : [])]);
        return names.filter((n) => keep.has(n));
      },
      variables: (): NamedVariable[] =>
        [...model!.adapters].flatMap(([layer, a]) => [
          { name: `${layer}/lora_a`, variable: a.a },
          { name: `${layer}/lora_b`, variable: a.b },
        ]),
      afterTraining: ({ model: m }) => {
        if (params.merge) for (const layer of [...m.adapters.keys()]) m.mergeAdapter(layer);
      },
    };
  },
});
