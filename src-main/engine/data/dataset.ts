/** An in-memory labelled image set. x: [n, h·w·c] row-major floats in [0,1]; y: class index into `classes`. */
export interface Dataset {
  name: string;
  x: Float32Array;
  y: Int32Array;
  n: number;
  /** [height, width, channels] of one sample. */
  shape: [number, number, number];
  /** Original label of each class index (e.g. digits 5..9 for a new-classes target). */
  classes: number[];
}

/** The original label of every sample (class index mapped through `classes`). */
export function originalLabels(data: Dataset): Int32Array {
  return data.y.map((c) => data.classes[c]);
}
