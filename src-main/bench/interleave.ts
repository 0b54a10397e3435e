/** One side of an interleaved comparison: `run(n)` times n steps and returns their seconds. */
export interface TimedSide {
  name: string;
  run(steps: number): Promise<number> | number;
}

/** A side's rate over the rounds: median with min–max (units per second). */
export interface RateSummary {
  median: number;
  min: number;
  max: number;
  perRound: number[];
}

/** A ratio of two sides: the median of the per-round ratios with their spread. */
export interface RatioSummary {
  median: number;
  min: number;
  max: number;
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median and min–max of per-round rates. */
export function summarise(perRound: number[]): RateSummary {
  return { median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound), perRound };
}

/** The per-round ratios a[i] / b[i], summarised by their median and spread. */
export function ratioOf(a: number[], b: number[]): RatioSummary {
  const r = a.map((x, i) => x / b[i]);
  return { median: median(r), min: Math.min(...r), max: Math.max(...r) };
}

/**
 * Issue 17's measuring rule: every side is already warmed up the same; then `rounds` timed segments
 * per side, of `steps[i]` steps for side i (one number: the same for every side). A round runs in
 * `slices` passes over the sides of steps/slices steps each, every other pass in reverse order
 * (a b c, c b a, a b c, …): this shared machine's speed drifts in phases of a second or two (the same
 * product on wasm: 1.06–2.06 ms in 100-call batches), so a side whose whole segment fell into a slow
 * phase decided a round's ratio; sliced and mirrored, every side's segment spans the same stretch of
 * the round. Returns each side's units per second in every round.
 */
export async function interleaved(sides: TimedSide[], rounds: number, steps: number | number[], unitsPerStep: number, slices = 1): Promise<number[][]> {
  const perSide = typeof steps === 'number' ? sides.map(() => steps) : steps;
  for (const n of perSide) if (!Number.isInteger(n / slices) || slices < 1) throw new Error(`interleaved: ${n} steps do not split into ${slices} slices`);
  const rates = sides.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    const seconds = sides.map(() => 0);
    for (let s = 0; s < slices; s++) {
      const order = s % 2 ? [...sides.keys()].reverse() : [...sides.keys()];
      for (const i of order) seconds[i] += await sides[i].run(perSide[i] / slices);
    }
    seconds.forEach((t, i) => rates[i].push((perSide[i] * unitsPerStep) / t));
  }
  return rates;
}

/**
 * Steps per segment that give every side about the same time in a round: the slowest side runs
 * `base`, a faster one `base` times how much faster it is, down to a multiple of `slices` and at most
 * `cap[i]` (a side prepared for a fixed number of steps). With equal steps a fast side's segment was a
 * fifth of a slow one's, so a slow phase of the machine could cover all of one and little of the other.
 */
export function equalTimeSteps(secondsPerStep: number[], base: number, slices: number, cap: (number | undefined)[] = []): number[] {
  const slowest = Math.max(...secondsPerStep);
  return secondsPerStep.map((t, i) => {
    const scaled = Math.floor((base * slowest) / t / slices) * slices;
    return Math.min(Math.max(base, scaled), cap[i] ?? Infinity);
  });
}
