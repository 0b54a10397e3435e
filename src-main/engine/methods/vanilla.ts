import { z } from 'zod';
import { defineMethod } from './method';

/** Vanilla fine-tuning (docs/methods.md §3.1): every weight trains with Adam on the target loss; the baseline. */
export const vanilla = defineMethod({
  id: 'vanilla',
  label: 'Vanilla fine-tuning',
  // Paul Tol's muted black.
  style: { color: '#000000', marker: 'circle', dash: 'solid' },
  summary: 'All weights train with Adam on the target task. The baseline every mitigation is judged against.',
  reference: 'docs/methods.md §3.1. Adam in the TF.js form: θ ← θ − lr·m̂/(√v̂ + ε), ε = 1e-7 (ε on the bias-corrected √v̂).',
  params: z.strictObject({}),
  slots: [],
  baseline: true,
  create: () => ({}),
});
