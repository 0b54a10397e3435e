import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BERT_TINY, GPT2_SMALL, hubTensors, writeRandomHubFolder, type HubConfig } from '../../src-main/bench/hf-bench-models';
import { transformerRow } from '../../src-main/bench/hf-rows';
import { engineHfSession } from '../../src-main/bench/hf-workload';
import { interleaved, ratioOf, summarise } from '../../src-main/bench/interleave';
import { readHfModel } from '../../src-main/import/models/hf-checkpoint';

/** The bench's shapes cut down to seconds: same families and heads, tiny sizes. */
const TINY_BERT: HubConfig = { ...BERT_TINY, vocab_size: 50, hidden_size: 16, intermediate_size: 32, max_position_embeddings: 8 };
const TINY_GPT2: HubConfig = { ...GPT2_SMALL, vocab_size: 40, n_positions: 8, n_embd: 16, n_layer: 2, n_head: 2 };

describe("the bench's transformer workloads", () => {
  it.each([
    ['BERT', TINY_BERT],
    ['GPT-2', TINY_GPT2],
  ] as const)('a %s model built from a config (random weights, no files) trains steps on the engine', async (_, config) => {
    const session = await engineHfSession(config, 2, 'wasm');
    try {
      expect(session.run(1)).toBeGreaterThan(0);
      expect(session.run(2)).toBeGreaterThan(0);
    } finally {
      session.dispose();
    }
  });

  it('a row times the engine round-robin and reports tokens/s with a median inside its min–max (PyTorch sides say why when absent)', async () => {
    const row = await transformerRow({ workload: 'tiny', config: TINY_GPT2, batch: 2 }, { warmup: 1, rounds: 5, steps: 1, slices: 1 });
    const engine = row.sides[0].tokensPerSecond!;
    expect(engine.perRound).toHaveLength(5);
    expect(engine.min).toBeLessThanOrEqual(engine.median);
    expect(engine.median).toBeLessThanOrEqual(engine.max);
    expect(row.sides.map((s) => s.implementation)).toEqual(['RetainLab engine (wasm)', 'PyTorch, 1 thread', 'PyTorch, 2 threads']);
    for (const s of row.sides.slice(1)) expect(s.tokensPerSecond !== null || /fails: /.test(s.note ?? '')).toBe(true);
    expect(row.ratios).toHaveLength(row.sides.filter((s) => s.tokensPerSecond).length - 1);
    expect(row.sides[0].gflops!.median).toBeCloseTo((engine.median * row.flopsPerToken!) / 1e9);
  });

  it('interleaves the sides round by round and takes ratios per round, not of the medians', async () => {
    const order: string[] = [];
    const side = (name: string, seconds: number[]) => ({ name, run: () => (order.push(name), seconds[order.filter((n) => n === name).length - 1]) });
    const rates = await interleaved([side('a', [1, 2, 1]), side('b', [2, 4, 4])], 3, 10, 1);
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(rates).toEqual([
      [10, 5, 10],
      [5, 2.5, 2.5],
    ]);
    expect(summarise(rates[0])).toMatchObject({ median: 10, min: 5, max: 10 });
    // Per-round ratios 2, 2, 4: median 2, while the ratio of the medians would be 10 / 2.5 = 4.
    expect(ratioOf(rates[0], rates[1])).toEqual({ median: 2, min: 2, max: 4 });
  });

  it("cuts each round into mirrored slices and sums a side's slices into its round", async () => {
    const calls: string[] = [];
    // Side a takes 1 s a step in the first slice of every round and 3 s in the later ones; b takes 2 s a step always.
    const side = (name: string, perStep: (call: number) => number) => {
      let call = 0;
      return { name, run: (n: number) => (calls.push(`${name}${n}`), n * perStep(call++ % 4)) };
    };
    const rates = await interleaved([side('a', (c) => (c === 0 ? 1 : 3)), side('b', () => 2)], 2, 8, 1, 4);
    expect(calls).toEqual(Array.from({ length: 2 }, () => ['a2', 'b2', 'b2', 'a2', 'a2', 'b2', 'b2', 'a2']).flat());
    // a: 2·1 + 3·2·3 = 20 s for 8 steps; b: 16 s.
    expect(rates).toEqual([
      [0.4, 0.4],
      [0.5, 0.5],
    ]);
    await expect(interleaved([side('a', () => 1)], 1, 6, 1, 4)).rejects.toThrow(/6 steps do not split into 4 slices/);
  });

  it('writes a Hub folder with random float32 weights under the Hub names that the import reads back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hf-bench-'));
    try {
      const bytes = writeRandomHubFolder(dir, TINY_BERT);
      expect(statSync(join(dir, 'model.safetensors')).size).toBe(bytes);
      const hf = readHfModel(dir);
      expect(hf.family).toBe('bert');
      expect(hf.classifierUnits).toBe(2);
      expect(hf.warnings).toEqual([]);
      const values = hubTensors(TINY_BERT).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
      expect(bytes).toBeGreaterThan(values * 4);
      expect(hf.weights.get('block1/ln1/gamma')!.every((v) => v === 1)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
