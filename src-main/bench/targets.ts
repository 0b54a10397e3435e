/** A measured value with its spread: the median and the min–max over the rounds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** One target of the report: met only if it holds at the spread's worse end; null where nothing was measured. */
export interface TargetResult {
  name: string;
  /** "median (min–max)" with the unit, or why there is no number. */
  measured: string;
  /** The median, and the end of the spread the verdict is taken at. */
  median: number | null;
  worse: number | null;
  met: boolean | null;
}

/** A single measurement (no rounds) as a spread of one value. */
export function single(value: number): Spread {
  return { median: value, min: value, max: value };
}

function target(name: string, value: Spread | string, unit: string, worseEnd: 'min' | 'max', holds: (worse: number) => boolean): TargetResult {
  if (typeof value === 'string' || ![value.median, value.min, value.max].every(Number.isFinite))
    return { name, measured: typeof value === 'string' ? value : 'not measured', median: null, worse: null, met: null };
  const f = (v: number) => v.toFixed(2);
  const worse = value[worseEnd];
  const measured = value.min === value.max ? `${f(value.median)}${unit}` : `${f(value.median)}${unit} (${f(value.min)}–${f(value.max)})`;
  return { name, measured, median: value.median, worse, met: holds(worse) };
}

/** A "≥ min" target (e.g. a speed ratio): its worse end is the spread's minimum. A string value says why it was not measured. */
export function atLeast(name: string, value: Spread | string, min: number, unit = '×'): TargetResult {
  return target(name, value, unit, 'min', (worse) => worse >= min);
}

/** A "≤ max" target (e.g. a step-time ratio, seconds): its worse end is the spread's maximum. */
export function atMost(name: string, value: Spread | string, max: number, unit = '×'): TargetResult {
  return target(name, value, unit, 'max', (worse) => worse <= max);
}
