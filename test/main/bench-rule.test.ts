import { describe, expect, it } from 'vitest';
import { describeBlas } from '../../src-main/bench/blas';
import { comparisonRow, summariseSides, type SideSpec } from '../../src-main/bench/comparison-row';
import { forwardMacs, nominalFlops } from '../../src-main/bench/flops';
import { equalTimeSteps } from '../../src-main/bench/interleave';
import { parseProcStat, stealBetween } from '../../src-main/bench/machine';
import { ceilingShare } from '../../src-main/bench/sgemm-ceiling';
import { atLeast, atMost, single } from '../../src-main/bench/targets';

const CEILING = { oneCore: { library: 'numpy', best: 100, median: 90, count: 3 }, allCores: { library: 'numpy', best: 190, median: 180, count: 3 } };
const meta = (label: string, threads: number | null) => ({ label, implementation: label, backend: 'x', threads });

describe("the bench's measuring rule (issue 17)", () => {
  it('a "≥" target that holds at the median but not at the spread\'s minimum is not met', () => {
    const t = atLeast('engine ≥ 2× PyTorch', { median: 2.4, min: 1.9, max: 2.6 }, 2);
    expect(t).toMatchObject({ met: false, median: 2.4, worse: 1.9, measured: '2.40× (1.90–2.60)' });
    expect(atLeast('engine ≥ 2× PyTorch', { median: 2.4, min: 2.0, max: 2.6 }, 2).met).toBe(true);
  });

  it('a "≤" target (a step-time ratio) is judged at the spread\'s maximum', () => {
    expect(atMost('ewc ≤ 1.15× vanilla', { median: 1.05, min: 0.98, max: 1.2 }, 1.15)).toMatchObject({ met: false, worse: 1.2 });
    expect(atMost('ewc ≤ 1.15× vanilla', { median: 1.05, min: 0.98, max: 1.15 }, 1.15).met).toBe(true);
    expect(atMost('delay', single(12), 50, ' ms')).toMatchObject({ met: true, measured: '12.00 ms' });
  });

  it('a target without a number says why and gets no verdict', () => {
    const t = atLeast('MLP ≥ 2× PyTorch', 'PyTorch unavailable: no python3 here can import torch', 2);
    expect(t).toMatchObject({ met: null, median: null, worse: null, measured: 'PyTorch unavailable: no python3 here can import torch' });
    expect(atMost('peak RSS', single(NaN), 1536, ' MB').met).toBeNull();
  });

  it("a row's ratio is the median of per-round ratios, not the ratio of the medians", () => {
    // Per-round ratios 2, 2, 4: median 2; the medians 10 and 2.5 would give 4.
    const { ratios } = summariseSides(
      [meta('engine', 1), meta('torch', 1)],
      [
        [10, 5, 10],
        [5, 2.5, 2.5],
      ],
      [undefined, undefined],
      1e9,
      CEILING,
    );
    expect(ratios).toEqual([{ name: 'engine / torch', over: 'torch', median: 2, min: 2, max: 4 }]);
  });

  it('a side without numbers keeps its reason and has no ratio; GFLOP/s is held to the ceiling of its own thread count', () => {
    const specs = [meta('engine', 1), meta('PyTorch, 1 thread', 1), meta('PyTorch, 2 threads', 2)];
    const { sides, ratios } = summariseSides(specs, [[50, 40, 60], null, [100, 95, 120]], [undefined, 'PyTorch unavailable: why', undefined], 1e9, CEILING);
    expect(sides[1]).toMatchObject({ samplesPerSecond: null, gflops: null, ceilingShare: null, note: 'PyTorch unavailable: why' });
    expect(ratios.map((q) => q.over)).toEqual(['PyTorch, 2 threads']);
    expect(sides[0].gflops).toEqual({ median: 50, min: 40, max: 60 });
    expect(sides[0].ceilingShare).toBeCloseTo(50 / 100);
    expect(sides[2].ceilingShare).toBeCloseTo(100 / 190);
    expect(ceilingShare(10, null, CEILING)).toBeNull();
    expect(ceilingShare(10, 1, { oneCore: null, allCores: null })).toBeNull();
  });

  it('runs the sides that started round-robin, each segment about as long, reports the others with their reason and disposes every session', async () => {
    const order: string[] = [];
    const disposed: string[] = [];
    const side = (label: string, secondsPerStep: number): SideSpec => ({
      ...meta(label, 1),
      start: async () => ({ run: (n) => (order.push(`${label}${n}`), n * secondsPerStep), dispose: () => disposed.push(label) }),
    });
    const specs: SideSpec[] = [
      side('a', 0.25),
      { ...meta('gone', 1), start: async () => 'PyTorch unavailable: not installed' },
      { ...meta('broken', 1), start: () => Promise.reject(new Error('no such script\nstack')) },
      side('b', 0.5),
    ];
    const row = await comparisonRow('w', specs, { warmup: 1, rounds: 5, steps: 4, slices: 2 }, 1e9, 8, CEILING);
    // One timed slice each sizes the segments: a is twice as fast, so it runs 8 steps a segment to b's 4.
    // Then two mirrored slices a round: a b, then b a.
    expect(order).toEqual(['a2', 'b2', ...Array.from({ length: 5 }, () => ['a4', 'b2', 'b2', 'a4']).flat()]);
    expect(row.stepsPerSegment).toBe(4);
    expect(row.sides.map((s) => s.stepsPerSegment)).toEqual([8, undefined, undefined, 4]);
    expect(disposed.sort()).toEqual(['a', 'b']);
    expect(row.sides.map((s) => s.note)).toEqual([undefined, 'PyTorch unavailable: not installed', 'fails: no such script', undefined]);
    expect(row.sides[0].samplesPerSecond).toMatchObject({ median: 32, perRound: [32, 32, 32, 32, 32] });
    expect(row.ratios).toEqual([{ name: 'a / b', over: 'b', median: 2, min: 2, max: 2 }]);
  });

  it('sizes segments to equal time: the slowest side keeps the base, others scale down to a multiple of the slices and within their cap', () => {
    expect(equalTimeSteps([0.01, 0.05, 0.02], 80, 4)).toEqual([400, 80, 200]);
    expect(equalTimeSteps([0.03, 0.05], 80, 4)).toEqual([132, 80]);
    expect(equalTimeSteps([0.01, 0.05, 0.02], 80, 4, [undefined, undefined, 100])).toEqual([400, 80, 100]);
    // Noise in the timed slice never gives a side fewer steps than the base.
    expect(equalTimeSteps([0.05, 0.0501], 80, 4)).toEqual([80, 80]);
  });
  it('count an embedding as a lookup and every position of a sequence through the dense layers', () => {
    const spec = {
      recipe: 'imported',
      inputShape: [4, 1, 1] as [number, number, number],
      backbone: [
        { kind: 'embedding' as const, name: 'e', vocab: 1000, dim: 8 },
        { kind: 'dense' as const, name: 'd', units: 16, activation: 'relu' as const },
      ],
      pretrainClasses: 10,
      targetClasses: null,
    };
    // 4 positions × (8·16 + 16·10); a one-hot product would add 4 · 1000 · 8.
    expect(forwardMacs(spec)).toBe(4 * (8 * 16 + 16 * 10));
    expect(nominalFlops(spec, true)).toBe(6 * forwardMacs(spec));
  });
});

describe("the report's machine facts", () => {
  it('reads steal time from /proc/stat and gives its share between two snapshots', () => {
    const before = parseProcStat('cpu  100 0 50 800 10 0 5 35 0 0\ncpu0 50 0 25 400 5 0 2 18 0 0\nintr 1');
    const after = parseProcStat('cpu  200 0 100 1500 20 0 10 170 0 0\n');
    expect(before).toEqual({ steal: 35, total: 1000 });
    expect(stealBetween(before, after).share).toBeCloseTo(135 / 1000);
    expect(parseProcStat('cpu  1 2 3 4\n')).toBeNull();
    expect(stealBetween(null, after)).toEqual({ share: null, note: '/proc/stat not visible here' });
  });

  it("names the BLAS a process really mapped, and says when it is Debian's generic one", () => {
    const debian = describeBlas('generic', ['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0', '/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0']);
    expect(debian.kind).toBe('generic');
    expect(debian.text).toMatch(/^generic reference BLAS \(no OpenBLAS\/MKL/);
    // Debian's alternatives can point libblas.so.3 at OpenBLAS: the mapped file decides, not the build's BLAS_INFO.
    expect(describeBlas('generic', ['/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3']).kind).toBe('openblas');
    expect(describeBlas(null, ['/venv/numpy.libs/libscipy_openblas64_-32a4b2a6.so']).kind).toBe('openblas');
    expect(describeBlas('mkl', []).kind).toBe('mkl');
    expect(describeBlas(null, []).kind).toBe('unknown');
  });
});
