import { loadavg } from 'node:os';
import { equalTimeSteps, interleaved, ratioOf, summarise, type RateSummary, type RatioSummary } from './interleave';
import { ceilingShare, type CeilingFigures } from './sgemm-ceiling';

/** A started side: `run(n)` times n steps (after its warm-up) and returns their seconds. */
export interface SideSession {
  run(steps: number): Promise<number> | number;
  dispose(): void;
  /** The most steps one `run` may take (a side prepared for a fixed number), where there is such a limit. */
  maxSteps?: number;
}

/** One implementation of a row, before it runs: `start` builds it and runs its warm-up steps. */
export interface SideSpec {
  label: string;
  implementation: string;
  backend: string;
  threads: number | null;
  /** Resolves to the session, or to a string saying why this side has no number (e.g. "PyTorch unavailable: …"). */
  start(): Promise<SideSession | string>;
}

/** One implementation's measurement: samples/s and GFLOP/s as median (min–max) over the rounds. */
export interface MeasuredSide {
  label: string;
  implementation: string;
  backend: string;
  threads: number | null;
  samplesPerSecond: RateSummary | null;
  gflops: RatioSummary | null;
  /** Median GFLOP/s over the sgemm ceiling of its own thread count (one core or all cores). */
  ceilingShare: number | null;
  /** Steps in each of its segments: the row's `stepsPerSegment` for the slowest side, more for a faster one (equal time). */
  stepsPerSegment?: number;
  note?: string;
}

/** A named ratio of the row's first side to another: the median of per-round ratios with their min–max. */
export type NamedRatio = { name: string; over: string } & RatioSummary;

/** How a row is timed: warm-up steps, rounds, steps per side in a round, and the slices a round is cut into. */
export interface RowCounts {
  warmup: number;
  rounds: number;
  steps: number;
  slices: number;
}

/** A workload row of the bench: every side warmed up alike, then timed in interleaved rounds. */
export interface ComparisonRow {
  workload: string;
  flopsPerSample: number;
  warmup: number;
  rounds: number;
  /** Steps in each segment of the slowest side; every side's own count is on the side. */
  stepsPerSegment: number;
  /** Mirrored passes a round's segments are cut into (see `interleaved`). */
  slices: number;
  /** 1-minute load average before and after the row (the machine is shared). */
  loadBefore: number;
  loadAfter: number;
  sides: MeasuredSide[];
  ratios: NamedRatio[];
}

/** GFLOP/s of a rate (units/s) at `flopsPerUnit` nominal FLOPs each: median with min–max. */
export function gflopsOf(rate: RateSummary, flopsPerUnit: number): RatioSummary {
  const g = (v: number) => (v * flopsPerUnit) / 1e9;
  return { median: g(rate.median), min: g(rate.min), max: g(rate.max) };
}

/**
 * The row's numbers from per-round rates (null for a side that did not run, with its note): each side's
 * median and spread, GFLOP/s and share of the ceiling, and the first side's ratio to every other side
 * that ran, taken round by round.
 */
export function summariseSides(
  specs: Pick<SideSpec, 'label' | 'implementation' | 'backend' | 'threads'>[],
  rates: (number[] | null)[],
  notes: (string | undefined)[],
  flopsPerSample: number,
  ceiling: CeilingFigures,
): { sides: MeasuredSide[]; ratios: NamedRatio[] } {
  const sides = specs.map((s, i): MeasuredSide => {
    const r = rates[i];
    const sps = r ? summarise(r) : null;
    const gflops = sps ? gflopsOf(sps, flopsPerSample) : null;
    const { label, implementation, backend, threads } = s;
    const note = notes[i];
    return {
      label,
      implementation,
      backend,
      threads,
      samplesPerSecond: sps,
      gflops,
      ceilingShare: ceilingShare(gflops?.median ?? null, threads, ceiling),
      ...(note ? { note } : {}),
    };
  });
  const first = rates[0];
  const ratios: NamedRatio[] = [];
  if (first)
    specs.forEach((s, i) => {
      const r = rates[i];
      if (i > 0 && r) ratios.push({ name: `${specs[0].label} / ${s.label}`, over: s.label, ...ratioOf(first, r) });
    });
  return { sides, ratios };
}

/**
 * Runs one row by issue 17's rule: starts every side (each runs the same warm-up), times one slice of
 * `steps` steps on each to size its segments to the same time (see equalTimeSteps), then `rounds`
 * segments round-robin over the sides that started, and summarises them.
 */
export async function comparisonRow(
  workload: string,
  specs: SideSpec[],
  counts: RowCounts,
  flopsPerSample: number,
  samplesPerStep: number,
  ceiling: CeilingFigures,
  log: (line: string) => void = () => {},
): Promise<ComparisonRow> {
  const loadBefore = loadavg()[0];
  const sessions: (SideSession | null)[] = [];
  const notes: (string | undefined)[] = [];
  try {
    for (const spec of specs) {
      try {
        const started = await spec.start();
        sessions.push(typeof started === 'string' ? null : started);
        notes.push(typeof started === 'string' ? started : undefined);
      } catch (err) {
        sessions.push(null);
        notes.push(`fails: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    const running = sessions.flatMap((s, i) => (s ? [{ i, s }] : []));
    const slice = counts.steps / counts.slices;
    const secondsPerStep: number[] = [];
    for (const { s } of running) secondsPerStep.push((await s.run(slice)) / slice);
    const steps = equalTimeSteps(
      secondsPerStep,
      counts.steps,
      counts.slices,
      running.map(({ s }) => (s.maxSteps === undefined ? undefined : s.maxSteps * counts.slices)),
    );
    const measured = await interleaved(
      running.map(({ i, s }) => ({ name: specs[i].label, run: (n: number) => s.run(n) })),
      counts.rounds,
      steps,
      samplesPerStep,
      counts.slices,
    );
    const rates = specs.map((_, i) => measured[running.findIndex((r) => r.i === i)] ?? null);
    const summary = summariseSides(specs, rates, notes, flopsPerSample, ceiling);
    const sides = summary.sides.map((side, i) => {
      const at = running.findIndex((r) => r.i === i);
      return at < 0 ? side : { ...side, stepsPerSegment: steps[at] };
    });
    const { ratios } = summary;
    for (const s of sides) log(`${workload} · ${s.label}: ${s.samplesPerSecond ? `${s.samplesPerSecond.median.toFixed(0)} samples/s` : s.note}`);
    return {
      workload,
      flopsPerSample,
      warmup: counts.warmup,
      rounds: counts.rounds,
      stepsPerSegment: counts.steps,
      slices: counts.slices,
      loadBefore,
      loadAfter: loadavg()[0],
      sides,
      ratios,
    };
  } finally {
    for (const s of sessions) s?.dispose();
  }
}

/** A row that could not run at all (e.g. a side died mid-way): every side carries the reason. */
export function failedRow(workload: string, specs: SideSpec[], counts: RowCounts, flopsPerSample: number, err: unknown): ComparisonRow {
  const note = `fails: ${(err as Error).message.split('\n')[0]}`;
  const load = loadavg()[0];
  const sides = specs.map(({ label, implementation, backend, threads }) => ({
    label,
    implementation,
    backend,
    threads,
    samplesPerSecond: null,
    gflops: null,
    ceilingShare: null,
    note,
  }));
  return {
    workload,
    flopsPerSample,
    warmup: counts.warmup,
    rounds: counts.rounds,
    stepsPerSegment: counts.steps,
    slices: counts.slices,
    loadBefore: load,
    loadAfter: load,
    sides,
    ratios: [],
  };
}
