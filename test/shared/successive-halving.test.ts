import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { searchGoal, searchSchema } from '../../src-shared/search/search-config';
import { searchOutcome, type SearchRunFacts } from '../../src-shared/search/search-result';
import { judgeRungs, rungEpochs, type CurvePoint, type HalvingRules, type HalvingRun } from '../../src-shared/search/successive-halving';

// Synthetic fine-tuning curves with the trade-off of a learning-rate sweep: a larger rate gains more on
// the target and keeps less of the pretrain task. Most of the retention loss happens in the first epoch
// (as in real fine-tuning), the gain saturates more slowly; the order by gain is the same at every epoch.
interface Synthetic {
  id: string;
  lr: number;
  at(epoch: number): { targetGain: number; retention: number };
}

function syntheticCandidates(n: number, seed: number): Synthetic[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const lr = 1e-4 * 10 ** ((2.5 * i) / (n - 1));
    const gainMax = 0.1 + 0.25 * Math.log10(lr / 1e-4);
    const drop = 0.02 + 0.06 * Math.log10(lr / 1e-4) ** 2;
    const noise = 0.002 * rng.uniform(-1, 1);
    return {
      id: `run-${String(i).padStart(2, '0')}`,
      lr,
      at: (e: number) => ({ targetGain: gainMax * (1 - Math.exp(-e / 2)) + noise, retention: 1 - drop * (1 - Math.exp(-e / 0.25)) }),
    };
  });
}

/** Trains the candidates `parallel` at a time in the given order, an epoch per tick, stopping what the halving stops. */
function simulate(cands: Synthetic[], rules: HalvingRules, epochs: number, parallel: number) {
  const curves = new Map<string, CurvePoint[]>(cands.map((c) => [c.id, []]));
  const stoppedAt = new Map<string, number>();
  const done = new Set<string>();
  const judged = new Map<string, number>();
  const queue = [...cands];
  let running: Synthetic[] = [];
  while (queue.length || running.length) {
    while (running.length < parallel && queue.length) running.push(queue.shift()!);
    for (const c of running) {
      const curve = curves.get(c.id)!;
      curve.push({ epoch: curve.length + 1, metrics: c.at(curve.length + 1) });
      if (curve.length === epochs) done.add(c.id);
    }
    const runs: HalvingRun[] = cands.map((c) => ({ id: c.id, group: 'lr', epochs, curve: curves.get(c.id)!, running: running.includes(c) && !done.has(c.id) }));
    for (const v of judgeRungs(runs, rules, judged)) {
      judged.set(v.id, v.rung + 1);
      if (v.stop) stoppedAt.set(v.id, v.epoch);
    }
    running = running.filter((c) => !done.has(c.id) && !stoppedAt.has(c.id));
  }
  return cands.map((c): SearchRunFacts => ({
    id: c.id,
    group: 'lr',
    label: 'vanilla',
    pointKey: c.id,
    point: { 'budget.learningRate': c.lr },
    seed: 0,
    role: 'candidate',
    status: done.has(c.id) ? 'completed' : 'cancelled',
    stoppedAt: stoppedAt.get(c.id) ?? null,
    epochsTrained: curves.get(c.id)!.length,
    final: done.has(c.id) ? c.at(epochs) : null,
  }));
}

const rules = (floor: string, eta = 3): HalvingRules => {
  const { objective, constraints } = searchGoal(searchSchema.parse({ maximize: 'targetGain', subjectTo: { retention: floor }, budget: { runs: 27 }, eta }));
  return { objective, constraints, eta, minEpochs: 1 };
};

/** The candidate a full grid search would pick: the largest final gain with final retention on the floor. */
function trueBest(cands: Synthetic[], epochs: number, floor: number): Synthetic | undefined {
  return cands.filter((c) => c.at(epochs).retention >= floor).sort((a, b) => b.at(epochs).targetGain - a.at(epochs).targetGain)[0];
}

describe('successive halving', () => {
  it('puts rungs at r_min·eta^k below the last epoch', () => {
    expect(rungEpochs(1, 3, 9)).toEqual([1, 3]);
    expect(rungEpochs(1, 3, 10)).toEqual([1, 3, 9]);
    expect(rungEpochs(2, 2, 2)).toEqual([]);
  });

  it('keeps the true best point under a retention floor, whatever order the candidates train in', () => {
    const epochs = 9;
    for (const order of [1, 2, 3, 4, 5]) {
      const cands = syntheticCandidates(27, 7);
      const shuffled = [...new Rng(order).permutation(cands.length)].map((i) => cands[i]);
      const runs = simulate(shuffled, rules('>= 0.9'), epochs, 2);
      const outcome = searchOutcome(runs, rules('>= 0.9'), { points: 27, epochs: 27 * epochs }, 1);
      const best = trueBest(cands, epochs, 0.9)!;
      expect(outcome.methods[0].chosen?.runId, `order ${order}`).toBe(best.id);
      // It spent less than the grid, and stopped runs trained only up to their rung.
      expect(outcome.spend.epochs).toBeLessThan(27 * epochs);
      expect(outcome.spend.stoppedRuns).toBeGreaterThan(10);
      for (const r of runs.filter((r) => r.stoppedAt !== null)) expect(r.epochsTrained).toBe(r.stoppedAt);
    }
  });

  it('respects the floor: the run that gains most breaks it and is stopped at the first rung, never chosen', () => {
    const epochs = 9;
    const cands = syntheticCandidates(27, 3);
    const runs = simulate(cands, rules('>= 0.9'), epochs, 27);
    const top = [...cands].sort((a, b) => b.at(epochs).targetGain - a.at(epochs).targetGain)[0];
    expect(top.at(epochs).retention).toBeLessThan(0.9);
    expect(runs.find((r) => r.id === top.id)!.stoppedAt).toBe(1);
    const outcome = searchOutcome(runs, rules('>= 0.9'), { points: 27, epochs: 27 * epochs }, 1);
    const chosen = outcome.methods[0].chosen!;
    expect(chosen.metrics.retention.mean).toBeGreaterThanOrEqual(0.9);
    expect(chosen.meetsConstraintsOnMean).toBe(true);
  });

  it('chooses nothing, and says why, when no run meets the floor', () => {
    const cands = syntheticCandidates(9, 1);
    const runs = simulate(cands, rules('>= 0.999'), 3, 3);
    const outcome = searchOutcome(runs, rules('>= 0.999'), { points: 9, epochs: 27 }, 1);
    expect(outcome.methods[0].chosen).toBeNull();
    expect(outcome.methods[0].note).toBe('no completed candidate meets retention >= 0.999');
    expect(runs.every((r) => r.stoppedAt === 1)).toBe(true);
  });

  it('judges a run once per rung, the first arrival always going on, later ones only in the top 1/eta', () => {
    const r = rules('>= 0.5');
    const run = (id: string, gains: number[], running = true): HalvingRun => ({
      id,
      group: 'g',
      epochs: 9,
      running,
      curve: gains.map((g, i) => ({ epoch: i + 1, metrics: { targetGain: g, retention: 0.9 } })),
    });
    const first = judgeRungs([run('a', [0.1])], r, new Map());
    expect(first).toEqual([{ id: 'a', rung: 0, epoch: 1, stop: false, why: '' }]);
    // a was judged at rung 0 already: only b is judged; of 2 peers the top ceil(2/3) = 1 goes on.
    const second = judgeRungs([run('a', [0.1]), run('b', [0.05])], r, new Map([['a', 1]]));
    expect(second).toEqual([{ id: 'b', rung: 0, epoch: 1, stop: true, why: 'targetGain ranks 2 of 2 (top 1 go on)' }]);
    // Four peers keep two: c, second best, goes on.
    const third = judgeRungs([run('a', [0.1], false), run('b', [0.05], false), run('d', [0.01], false), run('c', [0.08])], r, new Map());
    expect(third.map((v) => v.stop)).toEqual([false]);
  });

  it('counts the spend against the full grid over every seed', () => {
    const facts = (
      id: string,
      pointKey: string,
      seed: number,
      role: 'candidate' | 'seed',
      epochsTrained: number,
      stoppedAt: number | null,
    ): SearchRunFacts => ({
      id,
      group: 'g',
      label: 'LoRA',
      pointKey,
      point: { 'method.params.rank': Number(pointKey) },
      seed,
      role,
      status: stoppedAt === null ? 'completed' : 'cancelled',
      stoppedAt,
      epochsTrained,
      final: stoppedAt === null ? { targetGain: 0.2 + seed / 100, retention: 0.95 } : null,
    });
    const runs = [
      facts('a', '4', 0, 'candidate', 9, null),
      facts('b', '16', 0, 'candidate', 1, 1),
      facts('c', '4', 1, 'seed', 9, null),
      facts('d', '4', 2, 'seed', 9, null),
    ];
    const outcome = searchOutcome(runs, rules('>= 0.9'), { points: 4, epochs: 36 }, 3);
    expect(outcome.spend).toEqual({ runs: 4, epochs: 28, stoppedRuns: 1, fullGrid: { runs: 12, epochs: 108 } });
    const chosen = outcome.methods[0].chosen!;
    expect(chosen.seeds).toEqual([0, 1, 2]);
    expect(chosen.metrics.targetGain.mean).toBeCloseTo(0.21, 10);
    expect(chosen.metrics.targetGain.std).toBeCloseTo(0.01, 10);
    expect(outcome.finished).toBe(true);
    expect(outcome.frontier.map((f) => f.runId)).toEqual(['a']);
    // Before the chosen point's other seeds are launched, the search is not finished.
    expect(searchOutcome(runs.slice(0, 2), rules('>= 0.9'), { points: 4, epochs: 36 }, 3).finished).toBe(false);
  });
});
