// The stored weight format: written by the engine, kept by the store (db/checkpoints.ts,
// db/imported-models.ts), so the type sits below both.

/** Where one weight lies in a checkpoint blob. */
export interface WeightEntry {
  name: string;
  shape: number[];
  /** Offset and length in float32 elements. */
  offset: number;
  length: number;
}

/** A serialised set of weights: a JSON-able manifest and one float32 blob. */
export interface Checkpoint {
  manifest: WeightEntry[];
  data: Uint8Array;
}

/**
 * Where a run's training stands, enough to continue it exactly where it was (docs/methods.md §resume):
 * saved every few steps, opaque to the host, which stores only the last one.
 */
export interface ResumePoint {
  /** Optimizer steps done (over every stage of a task sequence). */
  step: number;
  /** How many evaluation points ('metrics' events) the run had emitted when it was saved: the host drops any stored after. */
  evalCount: number;
  /** The engine's own serialisation of weights, optimizer, RNG and data order, and the method's state. */
  state: Uint8Array;
}

/** When a job saves a resume point: after `steps` optimizer steps or `seconds` of training since the last, whichever comes first. */
export interface CheckpointEvery {
  steps?: number;
  seconds?: number;
}
