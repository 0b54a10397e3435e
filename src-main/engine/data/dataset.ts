/**
 * An in-memory labelled set. x: [n, h·w·c] row-major floats (images in [0,1]; text: token ids
 * [n, T]); y: class index into `classes` (a language model's sequences all have class 0).
 */
export interface Dataset {
  name: string;
  x: Float32Array;
  y: Int32Array;
  n: number;
  /** [height, width, channels] of one sample; [T, 1, 1] for token sequences. */
  shape: [number, number, number];
  /** Original label of each class index (e.g. digits 5..9 for a new-classes target). */
  classes: number[];
  /** Language modelling: the next token at every position, [n, T] row-major (what the model must predict). */
  nextTokens?: Int32Array;
  /** Text: the id of the tokenizer that produced x; a model with another tokenizer refuses the set. */
  tokenizer?: string;
  /** Library datasets: the name of each class index (the digits and the built-in text need none). */
  classNames?: string[];
}

/** The original label of every sample (class index mapped through `classes`). */
export function originalLabels(data: Dataset): Int32Array {
  return data.y.map((c) => data.classes[c]);
}
