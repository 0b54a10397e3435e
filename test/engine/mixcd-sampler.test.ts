import { describe, expect, it } from 'vitest';
import { lossBins } from '../../src-main/engine/methods/mixcd-partition';
import { MixCdSampler } from '../../src-main/engine/methods/mixcd-sampler';
import { RehearsalEfficiency } from '../../src-main/engine/methods/rehearsal-stats';
import { memorySubset, UniformReplay } from '../../src-main/engine/methods/rehearsal';
import { Rng } from '../../src-main/engine/rng';

// Pool of 12 rows in 3 parts (classes): part 0 = rows 0-3, part 1 = rows 4-7, part 2 = rows 8-11.
const partOf = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
// θ₀ is right on rows 0-2 (N1 = 3), row 4 (N1 = 1) and none of part 2 (N1 = 0).
const c0 = Uint8Array.from([1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
const settings = { decay: 0.5, a: 1, b: 1, epsilon: 0.2 };
const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);

describe('mix-cd sampler maths', () => {
  it('counts correct-before samples per part and starts from the prior a/(a+b)', () => {
    const s = new MixCdSampler(partOf, 3, c0, settings);
    expect(s.n1).toEqual([3, 1, 0]);
    expect(s.rates()).toEqual([0.5, 0.5, 0.5]);
    // Equal r̂: q follows N1 over the eligible parts, plus the floor: 0.8·3/4 + 0.1, 0.8·1/4 + 0.1.
    const q = s.shares();
    expect(q[0]).toBeCloseTo(0.7, 12);
    expect(q[1]).toBeCloseTo(0.3, 12);
    expect(q[2]).toBe(0);
  });

  it('q sums to 1 and keeps the ε floor over parts with correct-before samples, whatever was observed', () => {
    const s = new MixCdSampler(partOf, 3, c0, { ...settings, a: 0.01, b: 5 });
    // Part 0 always right, part 1 always wrong: part 0's weight → ~0, yet it keeps ε/K = 0.1.
    for (let t = 0; t < 30; t++) s.observe(Int32Array.from([0, 1, 2, 4, 4]), Uint8Array.from([1, 1, 1, 0, 0]));
    const q = s.shares();
    expect(sum(q)).toBeCloseTo(1, 12);
    expect(q[0]).toBeGreaterThanOrEqual(0.1);
    expect(q[0]).toBeLessThan(0.11);
    expect(q[1]).toBeGreaterThan(0.89);
    expect(q[2]).toBe(0);
  });

  it('r̂ = (wrong + a)/(seen + a + b) on exponentially decayed counts', () => {
    const s = new MixCdSampler(partOf, 3, c0, settings);
    s.observe(Int32Array.from([0, 1, 4]), Uint8Array.from([0, 1, 0])); // part 0: seen 2 wrong 1; part 1: seen 1 wrong 1
    s.observe(Int32Array.from([2]), Uint8Array.from([0])); // decay 0.5 first: part 0 seen 1+1, wrong 0.5+1; part 1 seen 0.5, wrong 0.5
    const r = s.rates();
    expect(r[0]).toBeCloseTo((1.5 + 1) / (2 + 2), 12);
    expect(r[1]).toBeCloseTo((0.5 + 1) / (0.5 + 2), 12);
    expect(r[2]).toBeCloseTo(0.5, 12);
  });

  it('never draws from a part without correct-before samples, nor a sample θ₀ got wrong', () => {
    const s = new MixCdSampler(partOf, 3, c0, { ...settings, epsilon: 1 });
    const rows = s.draw(new Rng(3), 2000);
    expect(rows.length).toBe(2000);
    for (const r of rows) expect(c0[r]).toBe(1);
    // ε = 1: q is uniform over the two eligible parts.
    const inPart1 = rows.filter((r) => partOf[r] === 1).length;
    expect(inPart1 / rows.length).toBeGreaterThan(0.45);
    expect(inPart1 / rows.length).toBeLessThan(0.55);
  });

  it('draws nothing when no part has a correct-before sample', () => {
    const s = new MixCdSampler(partOf, 3, new Uint8Array(12), settings);
    expect(s.shares()).toEqual([0, 0, 0]);
    expect(s.draw(new Rng(0), 8).length).toBe(0);
  });

  it('spreads evenly when every weight is zero (a = 0, nothing wrong yet)', () => {
    const s = new MixCdSampler(partOf, 3, c0, { ...settings, a: 0 });
    expect(s.shares()).toEqual([0.5, 0.5, 0]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const draw = (seed: number) => Array.from(new MixCdSampler(partOf, 3, c0, settings).draw(new Rng(seed), 50));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });
});

describe('rehearsal efficiency counter', () => {
  it('counts a rehearsed sample as collateral damage only when θ₀ was right and the same forward pass is wrong', () => {
    const e = new RehearsalEfficiency(Uint8Array.from([1, 1, 0, 0]));
    // Row 0: 1→0 (CD); row 1: 1→1; row 2: 0→0; row 3: 0→1.
    e.observe(Int32Array.from([0, 1, 2, 3]), Uint8Array.from([0, 1, 0, 1]));
    expect(e.takeExtras()).toEqual({ rehearsalEfficiency: 0.25, rehearsalEfficiencySinceEval: 0.25, rehearsedSamples: 4, rehearsedSinceEval: 4 });
    e.observe(Int32Array.from([0, 0]), Uint8Array.from([0, 0]));
    expect(e.takeExtras()).toEqual({ rehearsalEfficiency: 0.5, rehearsalEfficiencySinceEval: 1, rehearsedSamples: 6, rehearsedSinceEval: 2 });
    // Nothing rehearsed since: the window reports 0 of 0, still finite.
    expect(e.takeExtras()).toEqual({ rehearsalEfficiency: 0.5, rehearsalEfficiencySinceEval: 0, rehearsedSamples: 6, rehearsedSinceEval: 0 });
  });
});

describe('uniform replay', () => {
  it('rehearses every row of its memory once per pass, in a seeded order', () => {
    const memory = memorySubset(100, 30, new Rng(1));
    expect(new Set(memory).size).toBe(30);
    const replay = new UniformReplay(memory, new Rng(2));
    const pass = [...replay.draw(12), ...replay.draw(12), ...replay.draw(6)];
    expect([...pass].sort((a, b) => a - b)).toEqual([...memory].sort((a, b) => a - b));
    expect(Array.from(new UniformReplay(memory, new Rng(2)).draw(12))).toEqual(pass.slice(0, 12));
  });

  it('uses the whole pool when the memory size is 0', () => {
    expect(memorySubset(50, 0, new Rng(1)).length).toBe(50);
  });
});

describe('mix-cd loss partition', () => {
  it('cuts the correct-before samples into equal-count bins by θ₀ loss, most confident first', () => {
    const loss = Float32Array.from([0.9, 0.1, 0.5, 3, 0.3, 0.7, 2]);
    const correct = Uint8Array.from([1, 1, 1, 0, 1, 1, 0]);
    // Correct rows by loss: 1 (0.1), 4 (0.3), 2 (0.5), 5 (0.7), 0 (0.9) → bins 0, 0, 1, 1, 2 (⌊rank·3/5⌋); wrong rows join the last bin.
    expect(Array.from(lossBins(loss, correct, 3))).toEqual([2, 0, 1, 2, 0, 1, 2]);
  });
});
