/** A hook that only one component of a combined method may provide: a run has one sampler, one optimizer, one trainable filter. */
export type ExclusiveSlot = 'sampler' | 'optimizer' | 'trainable';

/**
 * What a method combines with in one run (`methods[i].with`), declared in its own file. Two methods combine
 * unless they claim the same exclusive slot; their penalties, gradient terms and extras add up, their
 * before/after hooks run in order. A post-hoc method (WiSE-FT) runs its afterTraining last, on the final
 * trained weights, so it joins anything that trains. A baseline (vanilla: no hooks) may take partners
 * (vanilla with WiSE-FT) but is never offered as one: as a partner it would add nothing.
 */
export interface MethodCombination {
  /** Hooks this method owns exclusively when combined with others. */
  slots: ExclusiveSlot[];
  /** Runs its afterTraining last, on the final trained weights. */
  postHoc?: boolean;
  /** Has no hooks: never a partner. */
  baseline?: boolean;
}

/** Names the first exclusive hook two components both claim, or null when they combine. */
export function slotConflict(methods: readonly (MethodCombination & { id: string })[]): string | null {
  const owner = new Map<string, string>();
  for (const m of methods) {
    for (const slot of m.slots) {
      const other = owner.get(slot);
      if (other) return `'${other}' and '${m.id}' both provide the ${slot}; combine at most one of them`;
      owner.set(slot, m.id);
    }
  }
  return null;
}

/** Whether `partner` may join `primary` in one run; the wizard offers only these. */
export function canCombine(primary: MethodCombination & { id: string }, partner: MethodCombination & { id: string }): boolean {
  return primary.id !== partner.id && !partner.baseline && slotConflict([primary, partner]) === null;
}
