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
 * of `steps` steps each run round-robin (side 1, side 2, …, then again), so a burst of load on a
 * shared machine falls on every side alike. Returns each side's units per second in every round.
 */
export async function interleaved(sides: TimedSide[], rounds: number, steps: number, unitsPerStep: number): Promise<number[][]> {
  const rates = sides.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++)
    for (const [i, side] of sides.entries()) {
      const seconds = await side.run(steps);
      rates[i].push((steps * unitsPerStep) / seconds);
    }
  return rates;
}
