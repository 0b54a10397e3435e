import type { ClassDamage, LayerDistance } from './metrics';

/** Where in a run an evaluation was taken. */
export type EvalPhase = 'base' | 'train' | 'final' | 'sweep';

/** All metrics of one evaluation point of a run (methods.md §2), as stored and shown. */
export interface EvalPoint {
  step: number;
  epoch: number;
  phase: EvalPhase;
  /** WiSE-FT mixing coefficient for sweep points, else null. */
  alpha: number | null;
  /** Accuracy on the pretrain eval set (pretrain head). */
  aPre: number;
  /** Accuracy on the target eval set (target head); null for pretraining runs, which have no target. */
  aTgt: number | null;
  cdAbs: number;
  cdCond: number;
  /** #(0→1)/N over the pretrain eval set. */
  gainedAbs: number;
  /** Mean training loss since the previous evaluation; null where no training happened. */
  loss: number | null;
  /** ‖θ−θ₀‖₂ over the backbone (shared) parameters. */
  weightDistance: number;
  /** ‖θ−θ₀‖₂ / ‖θ₀‖₂ over the backbone. */
  weightDistanceRel: number;
  perClass: ClassDamage[];
  perLayer: LayerDistance[];
  /** A generality suite's sets: each set's metric with the pretrain head (set id → accuracy or mean token loss); absent without a suite. */
  generality?: Record<string, number>;
  /** Method-specific numbers at this point (e.g. RecAdam's λ(t), mix-cd's rehearsal efficiency). */
  extras: Record<string, number | number[]>;
}
