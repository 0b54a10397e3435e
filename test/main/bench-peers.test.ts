import { cpus } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { comparisonRow } from '../../src-main/bench/comparison-row';
import { engineEvalSession, engineTrainSession } from '../../src-main/bench/engine-workload';
import { measureSgemmCeiling } from '../../src-main/bench/sgemm-ceiling';
import { atLeast } from '../../src-main/bench/targets';
import { torchSideSpec } from '../../src-main/bench/torch-session';
import { torchAvailable } from '../../src-main/bench/torch-workload';

const CHOSEN = process.env.RETAINLAB_BENCH_PYTHON;
afterEach(() => {
  if (CHOSEN === undefined) delete process.env.RETAINLAB_BENCH_PYTHON;
  else process.env.RETAINLAB_BENCH_PYTHON = CHOSEN;
});
const NO_PYTHON = '/nonexistent/python3';
const engineSide = {
  label: 'RetainLab engine (wasm)',
  implementation: 'RetainLab engine',
  backend: 'wasm',
  threads: 1,
  start: () => engineTrainSession({ recipe: 'mlp', batchSize: 8, warmup: 1, totalSteps: 6, backend: 'wasm' }),
};
const COUNTS = { warmup: 1, rounds: 5, steps: 2, slices: 2 };
const NO_CEILING = { oneCore: null, allCores: null };

describe("the bench's peers (PyTorch, the sgemm ceiling)", () => {
  it('without PyTorch its side says why, the row has no ratio and the target no verdict', async () => {
    process.env.RETAINLAB_BENCH_PYTHON = NO_PYTHON;
    expect(torchAvailable().why).toMatch(/^no python3 here can import torch \(\/nonexistent\/python3: .*ENOENT.*\); apt-get install python3-torch/);
    const row = await comparisonRow('mlp', [engineSide, torchSideSpec({ workload: 'mlp', batch: 8 }, 1)], COUNTS, 1e6, 8, NO_CEILING);
    expect(row.sides[0].samplesPerSecond!.perRound).toHaveLength(5);
    expect(row.sides[1].samplesPerSecond).toBeNull();
    expect(row.sides[1].note).toMatch(/^PyTorch unavailable: no python3 here can import torch/);
    expect(row.ratios).toEqual([]);
    expect(atLeast('MLP ≥ 2× PyTorch', row.sides[1].note!, 2).met).toBeNull();
  });

  it.skipIf(!torchAvailable().available)('with PyTorch, its segments interleave with the engine and give a per-round ratio', async () => {
    const row = await comparisonRow('mlp', [engineSide, torchSideSpec({ workload: 'mlp', batch: 8, warmup: 1 }, 1)], COUNTS, 1e6, 8, NO_CEILING);
    expect(row.sides[1].samplesPerSecond!.perRound, row.sides[1].note).toHaveLength(5);
    expect(row.ratios).toHaveLength(1);
    expect(row.ratios[0].min).toBeLessThanOrEqual(row.ratios[0].median);
    expect(row.ratios[0].median).toBeLessThanOrEqual(row.ratios[0].max);
  });

  it('an evaluation session runs timed passes over the rows asked and refuses more rows than the digits have', async () => {
    const session = await engineEvalSession('wasm', 1, 500);
    try {
      expect(session.run(2)).toBeGreaterThan(0);
    } finally {
      session.dispose();
    }
    await expect(engineEvalSession('wasm', 1, 20_000)).rejects.toThrow(/20000 rows asked, the digits have 10000/);
  });

  it('measures the sgemm ceiling at one thread and at all cores, or says why not', () => {
    const ceiling = measureSgemmCeiling({ n: 128, repeats: 2, seconds: 1, cores: cpus().length });
    if (ceiling.python === null) expect(ceiling.note).toMatch(/^not measured: /);
    else {
      expect(ceiling.measured.map((m) => m.threads)).toEqual([...new Set([1, cpus().length])]);
      for (const f of [ceiling.oneCore!, ceiling.allCores!]) expect(f.best).toBeGreaterThanOrEqual(f.median);
      expect(ceiling.oneCore!.library).toMatch(/^(numpy|torch) /);
    }
    process.env.RETAINLAB_BENCH_PYTHON = NO_PYTHON;
    expect(measureSgemmCeiling({ n: 128, repeats: 2, seconds: 1, cores: 2 })).toMatchObject({ python: null, oneCore: null, allCores: null });
  });
});
