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
