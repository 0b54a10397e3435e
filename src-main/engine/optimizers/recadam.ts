// tfjs arrives as an argument: the RecAdam method file imports this module at runtime, and the host
// loads method files for their metadata without loading tfjs.
import type * as tfType from '@tensorflow/tfjs-core';
import { checkedValues, weightNamed } from '../resume/check-values';
import type { ExtraGradient, NamedWeight, OptimizerState, RecAdamState, StepOptimizer } from './step-optimizer';

/** How λ(t) rises toward anneal_w (RecAdam.py `anneal_function`). */
export type AnnealFunction = 'sigmoid' | 'linear' | 'constant';

/** RecAdam's hyper-parameters in the reference's names and units (t0 and k in optimizer steps). */
export interface RecAdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  /** Added to √v, not to the bias-corrected √v̂ (unlike TF.js Adam). */
  epsilon: number;
  weightDecay: number;
  anneal: AnnealFunction;
  k: number;
  t0: number;
  /** anneal_w of the pulled weights (the reference's default 1). */
  annealW: number;
  /** γ, the coefficient of the quadratic pull toward θ₀. */
  pretrainCof: number;
}

/** One weight RecAdam updates. */
export interface RecAdamWeight {
  variable: tfType.Variable;
  /** θ₀ of this weight, same shape: pulled toward with anneal_w; null takes the head path (anneal_w = 0, plain AdamW). */
  pretrained: tfType.Tensor | null;
  /** Whether decoupled weight decay applies (the reference GLUE script exempts biases). */
  decay: boolean;
}

/**
 * λ(t) of RecAdam.py `anneal_function`: sigmoid 1/(1+exp(−k·(t−t0))), linear min(1, t/t0), or 1,
 * times `weight`. A linear ramp with t0 = 0 is taken as already complete (the reference divides by zero).
 */
export function annealLambda(fun: AnnealFunction, step: number, k: number, t0: number, weight: number): number {
  if (fun === 'sigmoid') return (1 / (1 + Math.exp(-k * (step - t0)))) * weight;
  if (fun === 'linear') return (t0 > 0 ? Math.min(1, step / t0) : 1) * weight;
  return weight;
}

/**
 * Why a learning rate and γ are unstable, or null when they are not. The pull is θ ← (1−c)·θ + c·θ₀
 * with c = lr·(anneal_w−λ)·γ ≤ lr·γ; it diverges for c > 2 (methods.md §3.5), so lr·γ ≥ 2 is refused.
 */
export function recadamStability(learningRate: number, pretrainCof: number): string | null {
  const c = learningRate * pretrainCof;
  if (c < 2) return null;
  const fmt = (x: number) => Number(x.toPrecision(3));
  return (
    `RecAdam: budget.learningRate × params.pretrainCof (γ) = ${learningRate} × ${pretrainCof} = ${fmt(c)} ≥ 2, ` +
    `so the pull toward θ₀ (θ ← (1−c)·θ + c·θ₀, c = lr·(1−λ)·γ) diverges. ` +
    `Set params.pretrainCof to about ${fmt(0.1 / learningRate)} (lr·γ ≈ 0.1; it must stay below ${fmt(2 / learningRate)}), ` +
    `or lower budget.learningRate. The paper's γ = 5000 assumes lr = 2e-5.`
  );
}

interface WeightState extends RecAdamWeight {
  m: tfType.Tensor;
  v: tfType.Tensor;
  /** The reference counts steps per parameter, only when it receives a gradient. */
  step: number;
}

/**
 * RecAdam (Chen et al., EMNLP 2020) with the exact update of the reference `RecAdam.py`: Adam moments
 * of the target gradient only; step = lr·√(1−β2ᵗ)/(1−β1ᵗ); θ ← θ − step·λ·m/(√v+ε); then the
 * decoupled pull θ ← θ − lr·(anneal_w−λ)·γ·(θ−θ₀) on that θ; then θ ← θ − lr·wd·θ. t counts from 1.
 */
export class RecAdam implements StepOptimizer {
  private readonly states = new Map<string, WeightState>();
  private steps = 0;

  constructor(
    private readonly tf: typeof tfType,
    weights: RecAdamWeight[],
    private readonly settings: RecAdamSettings,
  ) {
    for (const w of weights) this.states.set(w.variable.name, { ...w, m: tf.zerosLike(w.variable), v: tf.zerosLike(w.variable), step: 0 });
  }

  /** λ(t) of the pulled weights after the steps taken so far (λ(0) before the first). */
  get lambda(): number {
    const s = this.settings;
    return annealLambda(s.anneal, this.steps, s.k, s.t0, s.annealW);
  }

  /** Computes the target gradient of `loss` and applies one RecAdam step to every variable that has one. */
  minimize(loss: () => tfType.Scalar, variables: tfType.Variable[], extraGradient?: ExtraGradient): tfType.Scalar {
    const { tf } = this;
    const { value, grads } = tf.variableGrads(loss, variables);
    this.steps++;
    for (const variable of variables) {
      const g = grads[variable.name];
      if (!g) continue;
      const state = this.states.get(variable.name);
      if (!state) throw new Error(`RecAdam: ${variable.name} was not given to the optimizer`);
      // Another method's penalty gradient (L2, EWC) enters the moments like the loss gradient does.
      const extra = extraGradient?.(variable) ?? null;
      const total = extra ? tf.add(g, extra) : g;
      this.update(state, total);
      if (extra) tf.dispose([extra, total]);
    }
    tf.dispose(Object.values(grads));
    return value;
  }

  private update(state: WeightState, g: tfType.Tensor): void {
    const { tf } = this;
    const s = this.settings;
    state.step++;
    const t = state.step;
    const next = tf.tidy(() => {
      const m = tf.add(tf.mul(state.m, s.beta1), tf.mul(g, 1 - s.beta1));
      const v = tf.add(tf.mul(state.v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
      const direction = tf.div(m, tf.add(tf.sqrt(v), s.epsilon));
      const stepSize = (s.learningRate * Math.sqrt(1 - s.beta2 ** t)) / (1 - s.beta1 ** t);
      let p: tfType.Tensor;
      if (state.pretrained && s.annealW > 0) {
        const lambda = annealLambda(s.anneal, t, s.k, s.t0, s.annealW);
        p = tf.sub(state.variable, tf.mul(direction, stepSize * lambda));
        p = tf.sub(p, tf.mul(tf.sub(p, state.pretrained), s.learningRate * (s.annealW - lambda) * s.pretrainCof));
      } else {
        p = tf.sub(state.variable, tf.mul(direction, stepSize));
      }
      if (state.decay && s.weightDecay > 0) p = tf.sub(p, tf.mul(p, s.learningRate * s.weightDecay));
      return { m, v, p };
    });
    state.variable.assign(next.p);
    tf.dispose([state.m, state.v, next.p]);
    state.m = next.m;
    state.v = next.v;
  }

  /** The moments and step counts after the steps so far, by the weights' names. */
  saveState(weights: NamedWeight[]): RecAdamState {
    const read = (t: tfType.Tensor) => (t.dataSync() as Float32Array).slice();
    return {
      kind: 'recadam',
      steps: this.steps,
      weights: weights.flatMap(({ name, variable }) => {
        const state = this.states.get(variable.name);
        return state ? [{ name, m: read(state.m), v: read(state.v), step: state.step }] : [];
      }),
    };
  }

  /** Continues from a saved state; a weight it does not know, or moments of another size, is an error naming the weight. */
  restoreState(state: OptimizerState, weights: NamedWeight[]): void {
    const { tf } = this;
    if (state.kind !== 'recadam') throw new Error(`resume point does not fit this job: it holds a ${state.kind} optimizer state, this job trains with RecAdam`);
    const checked = state.weights.map((saved) => {
      const target = this.states.get(weightNamed(weights, saved.name, 'RecAdam state').name);
      if (!target) throw new Error(`resume point does not fit this job: its RecAdam state names ${saved.name}, which RecAdam does not update here`);
      const [m, v] = [saved.m, saved.v].map((values) => checkedValues(target.variable, values, saved.name, 'RecAdam moments'));
      return { target, m, v, step: saved.step };
    });
    for (const { target, m, v, step } of checked) {
      tf.dispose([target.m, target.v]);
      target.m = tf.tensor(m, target.variable.shape);
      target.v = tf.tensor(v, target.variable.shape);
      target.step = step;
    }
    this.steps = state.steps;
  }

  /** Frees the moments (θ₀ belongs to the caller). */
  dispose(): void {
    for (const s of this.states.values()) this.tf.dispose([s.m, s.v]);
    this.states.clear();
  }
}
