import type { BackendName } from '../../src-shared/config';
import { loadMnistDigits } from '../engine/data/mnist-digits';
import { disposeDevice, toDevice } from '../engine/device-data';
import { METHODS } from '../engine/methods/registry';
import { engineTrainSession } from './engine-workload';
import type { StepSession } from './hf-workload';
import type { RowCounts } from './comparison-row';
import { interleaved, ratioOf, summarise, type RateSummary, type RatioSummary } from './interleave';

/** One method's training speed and its step time relative to vanilla (timed in the segment next to it) or why it has none. */
export interface MethodRatio {
  method: string;
  samplesPerSecond: RateSummary | null;
  /** Per round: this method's segment time over the vanilla segment just before it; median with min–max. */
  stepTimeToVanilla: RatioSummary | null;
  note?: string;
}

/** The method rows of the report: every method beside vanilla, and mix-cd beside random rehearsal. */
export interface MethodRatios {
  batch: number;
  warmup: number;
  rounds: number;
  stepsPerSegment: number;
  slices: number;
  methods: MethodRatio[];
  /** mix-cd's step time over rehearsal's: the two interleaved with each other in rounds of their own. */
  mixcdToRehearsal: RatioSummary | null;
  /** Steps per segment of that pairing. */
  pairStepsPerSegment: number;
}

/**
 * Issue 17's rule for the methods: every registered method (its defaults, the trainer's own step on the
 * MLP, batch 64) warmed up alike, then in each of `rounds` rounds every method runs one segment right
 * after a vanilla segment; a ratio is the median of the per-round ratios to that vanilla segment.
 * mix-cd is then timed against random rehearsal directly, in `pairSteps`-step segments: its 5%
 * target is narrower than the spread of two ratios to separate vanilla segments (0.94–1.06 in one run).
 */
export async function methodStepRatios(backend: BackendName, counts: RowCounts, pairSteps: number): Promise<MethodRatios> {
  const batch = 64;
  const data = toDevice(loadMnistDigits());
  const sessions = new Map<string, StepSession>();
  const notes = new Map<string, string>();
  const others = METHODS.filter((m) => m.id !== 'vanilla').map((m) => m.id);
  // Vanilla runs before each other method in every round: its schedule is told all of those steps.
  // Rehearsal and mix-cd also run the pairing's rounds.
  const totalSteps = counts.warmup + counts.rounds * (counts.steps * others.length + pairSteps);
  try {
    for (const method of METHODS) {
      try {
        sessions.set(
          method.id,
          await engineTrainSession({
            recipe: 'mlp',
            batchSize: batch,
            warmup: counts.warmup,
            totalSteps,
            backend,
            data,
            method: { id: method.id, params: {}, with: [] },
          }),
        );
      } catch (err) {
        notes.set(method.id, `fails: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    const vanilla = sessions.get('vanilla');
    if (!vanilla) throw new Error(`vanilla did not start: ${notes.get('vanilla')}`);
    const timed = others.filter((id) => sessions.has(id));
    const rates = await interleaved(
      timed.flatMap((id) => [
        { name: 'vanilla', run: (n: number) => vanilla.run(n) },
        { name: id, run: (n: number) => sessions.get(id)!.run(n) },
      ]),
      counts.rounds,
      counts.steps,
      batch,
      counts.slices,
    );
    const of = (id: string) => rates[2 * timed.indexOf(id) + 1];
    const vanillaBefore = (id: string) => rates[2 * timed.indexOf(id)];
    const methods: MethodRatio[] = [{ method: 'vanilla', samplesPerSecond: summarise(rates.filter((_, i) => i % 2 === 0).flat()), stepTimeToVanilla: null }];
    for (const id of others) {
      if (!timed.includes(id)) methods.push({ method: id, samplesPerSecond: null, stepTimeToVanilla: null, note: notes.get(id) });
      // A step-time ratio is vanilla's rate over the method's, round by round.
      else methods.push({ method: id, samplesPerSecond: summarise(of(id)), stepTimeToVanilla: ratioOf(vanillaBefore(id), of(id)) });
    }
    const pair = ['rehearsal', 'mixcd'].map((id) => sessions.get(id));
    let mixcdToRehearsal: RatioSummary | null = null;
    if (pair[0] && pair[1]) {
      const [rehearsal, mixcd] = pair;
      const [r, m] = await interleaved(
        [
          { name: 'rehearsal', run: (n: number) => rehearsal.run(n) },
          { name: 'mixcd', run: (n: number) => mixcd.run(n) },
        ],
        counts.rounds,
        pairSteps,
        batch,
        counts.slices,
      );
      mixcdToRehearsal = ratioOf(r, m);
    }
    return {
      batch,
      warmup: counts.warmup,
      rounds: counts.rounds,
      stepsPerSegment: counts.steps,
      slices: counts.slices,
      methods,
      mixcdToRehearsal,
      pairStepsPerSegment: pairSteps,
    };
  } finally {
    for (const s of sessions.values()) s.dispose();
    disposeDevice(data);
  }
}
