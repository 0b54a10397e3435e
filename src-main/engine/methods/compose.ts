import type * as tfType from '@tensorflow/tfjs-core';
import type { MethodDefinition, MethodHooks } from './method';

/** One component of a (possibly combined) method with its hooks. */
export interface Component {
  definition: MethodDefinition;
  hooks: MethodHooks;
}

/**
 * Combines the hooks of several methods: penalties and gradient terms add up, extras merge, trainable filters
 * intersect, before/after hooks run in order with post-hoc methods (WiSE-FT) last; a sampler or an
 * optimizer comes from at most one component (checked when the config is validated).
 */
export function composeHooks(components: Component[], tf: typeof tfType): MethodHooks {
  const ordered = [...components].sort((a, b) => Number(a.definition.postHoc ?? false) - Number(b.definition.postHoc ?? false));
  const hooks = ordered.map((c) => c.hooks);
  const first = <K extends keyof MethodHooks>(key: K) => hooks.find((h) => h[key])?.[key];
  const all = <K extends keyof MethodHooks>(key: K) => hooks.map((h) => h[key]).filter((f): f is NonNullable<MethodHooks[K]> => !!f);
  const penalties = all('penalty');
  const gradientTerms = all('gradientTerm');
  return {
    beforeTraining: async (setup) => {
      for (const f of all('beforeTraining')) await f(setup);
    },
    trainable: (names) => all('trainable').reduce((kept, f) => f(kept), names),
    variables: () => all('variables').flatMap((f) => f()),
    penalty: penalties.length ? (ctx) => tf.addN(penalties.map((f) => f(ctx))) as tfType.Scalar : undefined,
    gradientTerm: gradientTerms.length
      ? (variable) => {
          const terms = gradientTerms.map((f) => f(variable)).filter((t): t is tfType.Tensor => t !== null);
          if (terms.length < 2) return terms[0] ?? null;
          const sum = tf.addN(terms);
          tf.dispose(terms);
          return sum;
        }
      : undefined,
    rehearsal: first('rehearsal'),
    observeRehearsal: first('observeRehearsal'),
    optimizer: first('optimizer'),
    extras: () => Object.assign({}, ...all('extras').map((f) => f())),
    // Each component's state under its method id (a combination names each method once).
    saveState: () => Object.fromEntries(ordered.flatMap((c) => (c.hooks.saveState ? [[c.definition.id, c.hooks.saveState()]] : []))),
    restoreState: (state) => {
      const ids = ordered.filter((c) => c.hooks.saveState).map((c) => c.definition.id);
      const unknown = Object.keys(state).filter((id) => !ids.includes(id));
      if (unknown.length) throw new Error(`resume point does not fit this job: it holds the state of ${unknown.join(', ')}, which this job does not run`);
      for (const c of ordered) {
        if (!c.hooks.restoreState) continue;
        const own = state[c.definition.id];
        if (!own || typeof own !== 'object' || ArrayBuffer.isView(own) || Array.isArray(own))
          throw new Error(`resume point does not fit this job: it lacks the state of ${c.definition.id}`);
        c.hooks.restoreState(own);
      }
    },
    afterTraining: (ctx) => all('afterTraining').forEach((f) => f(ctx)),
    dispose: () => all('dispose').forEach((f) => f()),
  };
}
