import { describe, expect, it } from 'vitest';
import { wiseMerge } from '../../src-main/engine/methods/wiseft';
import { readGolden } from '../golden';

type Tensors = Record<string, { shape: number[]; values: number[] }>;
interface Case {
  name: string;
  theta0: Tensors;
  theta1: Tensors;
  fisher0: Tensors | null;
  fisher1: Tensors | null;
  fisherFloor: number;
  results: { alpha: number; merged: Record<string, number[]> }[];
}

const toMap = (t: Tensors | null) => (t ? new Map(Object.entries(t).map(([k, v]) => [k, v.values])) : null);
const golden = readGolden<{ cases: Case[] }>('wiseft.json');

describe('WiSE-FT merge reproduces the reference _merge of mlfoundations/wise-ft', () => {
  for (const c of golden.cases) {
    for (const r of c.results) {
      it(`${c.name} at α = ${r.alpha}`, () => {
        const fisher = c.fisher0 || c.fisher1 ? { fisher0: toMap(c.fisher0), fisher1: toMap(c.fisher1), floor: c.fisherFloor } : undefined;
        const merged = wiseMerge(toMap(c.theta0)!, toMap(c.theta1)!, r.alpha, fisher);
        for (const [name, expected] of Object.entries(r.merged)) {
          const got = merged.get(name)!;
          expect(got.length).toBe(expected.length);
          expected.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 12));
        }
      });
    }
  }

  it('α = 0 gives θ₀ and α = 1 gives θ_ft exactly', () => {
    const t0 = new Map([['w', [0.1, -2, 3.5]]]);
    const t1 = new Map([['w', [7, 0.25, -1]]]);
    expect([...wiseMerge(t0, t1, 0).get('w')!]).toEqual([0.1, -2, 3.5]);
    expect([...wiseMerge(t0, t1, 1).get('w')!]).toEqual([7, 0.25, -1]);
  });

  it('refuses fine-tuned weights that lack a tensor of θ₀', () => {
    expect(() => wiseMerge(new Map([['w', [1]]]), new Map(), 0.5)).toThrow(/lack a tensor matching w/);
  });
});
