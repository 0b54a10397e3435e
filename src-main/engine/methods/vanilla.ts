import type { MethodDefinition } from './method';

/** Vanilla fine-tuning (methods.md §3.1): every weight trains with Adam on the target loss; the baseline. */
export const vanilla: MethodDefinition = {
  id: 'vanilla',
  label: 'Vanilla fine-tuning',
  summary: 'All weights train with Adam on the target task. The baseline every mitigation is judged against.',
  reference: 'methods.md §3.1. Adam in the TF.js form: θ ← θ − lr·m̂/(√v̂ + ε), ε = 1e-7 (ε on the bias-corrected √v̂).',
  params: [],
  slots: [],
  create: () => ({}),
};
