import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/api';
import { comparisonRows } from '../../src-shared/compare-rows';
import type { ParamValue } from '../../src-shared/params';
import type { Figure, FigureContext } from '../../src-renderer/lib/figures/figure';
import { parallelFigure } from '../../src-renderer/lib/figures/parallel';
import { tradeoffFigure, tradeoffParameters } from '../../src-renderer/lib/figures/tradeoff';
import { detail, headline, point, type RunSpec } from './run-fixtures';

// Colours are the style's business (figure-series.test.ts); these tests check what is drawn where.
const ctx: FigureContext = { styleOf: (r) => ({ color: r.methodId === 'lora' ? '#7B3294' : '#000000', marker: 'circle', dash: 'solid' }) };

/** The fields of a trace these tests read. */
interface Trace {
  name: string;
  mode?: string;
  x: (number | null)[];
  y: (number | null)[];
  text?: string[];
  textposition?: string[];
  showlegend?: boolean;
  legendgroup?: string;
  hoverinfo?: string;
  error_x?: { array: number[]; visible: boolean };
  error_y?: { array: number[]; visible: boolean };
}
const traces = (f: Figure) => f.data as unknown as Trace[];
const named = (f: Figure, name: string) => traces(f).find((t) => t.name === name)!;
const title = (f: Figure) => (f.layout.title as { text: string }).text;
const close = (actual: (number | null)[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v as number).toBeCloseTo(expected[i], 9));
};
const std = (a: number, b: number) => Math.abs(a - b) / Math.SQRT2;

/** A finished run (base A_pre 0.9, A_tgt 0.1) tagged, when `point` is given, with its study's sweep and grid point, as expandStudy tags it. */
function run(s: RunSpec, aPre: number, aTgt: number, sweep?: { id: string; point: Record<string, ParamValue> }): RunDetail {
  const r = detail({ ...s, headline: headline(aPre, aTgt) }, [point({ step: 10, phase: 'final', aPre, aTgt })]);
  if (sweep) (r.config as unknown as { sweep: typeof sweep }).sweep = sweep;
  return r;
}

const LORA = { methodId: 'lora', methodLabel: 'LoRA' };
const L2 = { methodId: 'l2-sp', methodLabel: 'L2-SP' };

// A LoRA rank sweep (methods.1 of study-1) over two seeds: higher rank gains more and keeps less.
const RANKS = [16, 1, 4];
const rankSweep = RANKS.flatMap((rank) =>
  [0, 1].map((seed) =>
    run({ id: `r${rank}-${seed}`, ...LORA, params: { rank }, seed }, 0.85 - rank / 100 - seed * 0.02, 0.4 + rank / 50 + seed * 0.04, {
      id: 'methods.1',
      point: { 'method.params.rank': rank },
    }),
  ),
);
// Vanilla fine-tuning of the same study (methods.0, nothing swept) and of another study.
const vanilla = [run({ id: 'v0', seed: 0 }, 0.6, 0.9), run({ id: 'v1', seed: 1 }, 0.62, 0.88)];
const otherStudy = run({ id: 'o', studyId: 'study-2', learningRate: 0.01 }, 0.5, 0.95);

describe('trade-off figure of tagged sweeps', () => {
  it('draws a LoRA rank sweep as a curve in rank order with seed error bars, and a vanilla run beside it as a reference point', () => {
    const f = tradeoffFigure([...vanilla, ...rankSweep], ctx);
    expect(f.empty).toBeNull();
    expect(title(f)).toBe('Swept: method.params.rank');
    expect(traces(f).map((t) => t.name)).toEqual(['Vanilla fine-tuning', 'LoRA, rank as marked']);
    const lora = named(f, 'LoRA, rank as marked');
    expect(lora.mode).toBe('text+lines+markers');
    expect(lora.text).toEqual(['1', '4', '16']);
    // Means over the two seeds, A_tgt on x and A_pre on y, in percent.
    close(
      lora.x,
      [1, 4, 16].map((r) => (0.4 + r / 50 + 0.02) * 100),
    );
    close(
      lora.y,
      [1, 4, 16].map((r) => (0.85 - r / 100 - 0.01) * 100),
    );
    close(
      lora.error_x!.array,
      [1, 4, 16].map(() => std(0, 4)),
    );
    close(
      lora.error_y!.array,
      [1, 4, 16].map(() => std(0, 2)),
    );
    const ref = named(f, 'Vanilla fine-tuning');
    expect(ref.mode).toBe('markers');
    close(ref.x, [89]);
    close(ref.y, [61]);
    expect(ref.text).toEqual(['']);
  });

  it('draws another study\u2019s runs as reference points too, never refusing the selection', () => {
    const f = tradeoffFigure([otherStudy, ...rankSweep, ...vanilla], ctx);
    expect(f.empty).toBeNull();
    const modes = traces(f).map((t) => [t.name.replace(/ \(.*\)/, ''), t.mode]);
    expect(modes).toEqual([
      ['Vanilla fine-tuning', 'markers'],
      ['LoRA, rank as marked', 'text+lines+markers'],
      ['Vanilla fine-tuning', 'markers'],
    ]);
  });

  it('follows the chosen axis of a two-axis sweep, one curve per value of the other, and by default the first axis', () => {
    const grid = [1, 4].flatMap((rank) =>
      [0.001, 0.01].map((lr) =>
        run({ id: `g${rank}-${lr}`, ...LORA, params: { rank }, learningRate: lr }, 0.8 - rank / 100 - lr * 10, 0.5 + rank / 50 + lr * 10, {
          id: 'methods.0',
          point: { 'method.params.rank': rank, 'budget.learningRate': lr },
        }),
      ),
    );
    const byRank = tradeoffFigure(grid, ctx);
    expect(title(byRank)).toBe('Swept: method.params.rank');
    expect(traces(byRank).map((t) => [t.name, t.text])).toEqual([
      ['LoRA (lr=0.001), rank as marked', ['1', '4']],
      ['LoRA (lr=0.01), rank as marked', ['1', '4']],
    ]);
    const byLr = tradeoffFigure(grid, { ...ctx, param: 'learningRate' });
    expect(title(byLr)).toBe('Swept: budget.learningRate');
    expect(traces(byLr).map((t) => [t.name, t.text])).toEqual([
      ['LoRA (r=1), learningRate as marked', ['0.001', '0.01']],
      ['LoRA (r=4), learningRate as marked', ['0.001', '0.01']],
    ]);
  });

  it('draws each sweep over its own first axis unless it has the chosen one, and says which axes exist when the choice is none of them', () => {
    const alphas = [0.01, 0.1].map((alpha) =>
      run({ id: `a${alpha}`, ...L2, params: { alpha } }, 0.8, 0.5 + alpha, { id: 'methods.2', point: { 'method.params.alpha': alpha } }),
    );
    const both = [...rankSweep, ...alphas];
    expect(tradeoffParameters(both)).toEqual({ params: ['method.params.rank', 'method.params.alpha'], ofSweeps: true });
    const f = tradeoffFigure(both, { ...ctx, param: 'rank' });
    expect(title(f)).toBe('Swept: method.params.rank, method.params.alpha');
    expect(named(f, 'L2-SP, alpha as marked').text).toEqual(['0.01', '0.1']);
    expect(named(f, 'LoRA, rank as marked').text).toEqual(['1', '4', '16']);
    expect(tradeoffFigure(both, { ...ctx, param: 'budget.epochs' }).empty).toBe(
      'Parameter budget.epochs is no axis of the selected sweeps (these are: method.params.rank, method.params.alpha)',
    );
  });

  it('writes values above their points, and below where a neighbour close by already has its value above', () => {
    const alike = [1, 4, 16].map((rank) =>
      run({ id: `a${rank}`, ...LORA, params: { rank } }, rank === 1 ? 0.6 : 0.8, rank === 1 ? 0.8 : 0.5, {
        id: 'methods.0',
        point: { 'method.params.rank': rank },
      }),
    );
    expect(named(tradeoffFigure(alike, ctx), 'LoRA, rank as marked').textposition).toEqual(['top center', 'top center', 'bottom center']);
    expect(named(tradeoffFigure(rankSweep, ctx), 'LoRA, rank as marked').textposition).toEqual(['top center', 'top center', 'top center']);
  });

  it('writes the value of a sweep\u2019s only selected point rather than passing it off as a reference', () => {
    const f = tradeoffFigure([rankSweep[0], ...vanilla], ctx);
    expect(named(f, 'LoRA, rank as marked')).toMatchObject({ mode: 'text+markers', text: ['16'] });
  });

  it('keeps sweep tags out of the experiments\u2019 labels and of the parameters of untagged runs', () => {
    expect(comparisonRows(rankSweep).map((r) => r.label)).toEqual(['LoRA (r=16)', 'LoRA (r=1)', 'LoRA (r=4)']);
    expect(tradeoffParameters([...vanilla, otherStudy])).toEqual({ params: ['budget.learningRate'], ofSweeps: false });
  });
});

describe('parallel coordinates', () => {
  // The axes under the plot, in order, and where a trace crosses each.
  const axisNames = (f: Figure) => (f.layout.xaxis as { ticktext: string[] }).ticktext;
  const labelsOn = (f: Figure, axis: number) => (f.layout.annotations ?? []).filter((a) => a.x === axis).map((a) => [a.text, a.y as number] as const);

  it('has one axis per swept parameter, then retention and target gain', () => {
    const f = parallelFigure([...vanilla, ...rankSweep], ctx);
    expect(f.empty).toBeNull();
    expect(axisNames(f)).toEqual(['r (log)', 'R<sub>pre</sub> (%)', 'G<sub>tgt</sub> (pts)']);
    // One vertical line per axis.
    expect(f.layout.shapes).toHaveLength(3);
    const grid = [1, 4].flatMap((rank) =>
      [0.001, 0.003].map((lr) =>
        run({ id: `g${rank}-${lr}`, ...LORA, params: { rank }, learningRate: lr }, 0.8, 0.5, {
          id: 'methods.0',
          point: { 'method.params.rank': rank, 'budget.learningRate': lr },
        }),
      ),
    );
    expect(axisNames(parallelFigure(grid, ctx))).toEqual(['r', 'lr', 'R<sub>pre</sub> (%)', 'G<sub>tgt</sub> (pts)']);
  });

  it('puts ranks spanning decades on a log scale and draws one line per experiment through its seeds\u2019 mean', () => {
    const f = parallelFigure(rankSweep, ctx);
    expect(labelsOn(f, 0)).toEqual([
      ['1', 0],
      ['4', Math.log10(4) / Math.log10(16)],
      ['16', 1],
    ]);
    const lines = traces(f).filter((t) => t.mode === 'lines+markers');
    expect(lines).toHaveLength(3);
    // Rank 4: the middle of the log axis; its retention and gain between the others'.
    const r4 = lines.find((t) => t.text![0] === 'r (log): 4')!;
    expect(r4.y[0]).toBeCloseTo(0.5, 9);
    expect(r4.text!.slice(1)).toEqual([`R<sub>pre</sub> (%): ${(((0.85 - 0.04 - 0.01) / 0.9) * 100).toFixed(1)}%`, 'G<sub>tgt</sub> (pts): 40']);
    for (const y of lines.flatMap((t) => t.y)) {
      expect(y!).toBeGreaterThanOrEqual(0);
      expect(y!).toBeLessThanOrEqual(1);
    }
    // Retention falls as the rank grows: the rank-1 line is highest on the retention axis.
    const r1 = lines.find((t) => t.text![0] === 'r (log): 1')!;
    const r16 = lines.find((t) => t.text![0] === 'r (log): 16')!;
    expect(r1.y[1]!).toBeGreaterThan(r4.y[1]!);
    expect(r4.y[1]!).toBeGreaterThan(r16.y[1]!);
  });

  it('draws a reference run without the swept parameter with a gap on its axis, one legend entry per method', () => {
    const f = parallelFigure([...vanilla, ...rankSweep], ctx);
    const lines = traces(f).filter((t) => t.mode === 'lines+markers');
    const ref = lines.find((t) => t.name === 'Vanilla fine-tuning')!;
    expect(ref.y[0]).toBeNull();
    expect(ref.y.slice(1).every((y) => typeof y === 'number')).toBe(true);
    expect(lines.filter((t) => t.showlegend).map((t) => t.name)).toEqual(['Vanilla fine-tuning', 'LoRA']);
  });

  it('reads a swept method parameter only of the methods swept over it: LoRA\u2019s alpha is no L2-SP strength', () => {
    const loraRanks = [1, 16].map((rank) =>
      run({ id: `lr${rank}`, ...LORA, params: { rank, alpha: 16 } }, 0.8, 0.5, { id: 'methods.0', point: { 'method.params.rank': rank } }),
    );
    const strengths = [0.01, 1].map((alpha) =>
      run({ id: `l2${alpha}`, ...L2, params: { alpha } }, 0.8, 0.5, { id: 'methods.1', point: { 'method.params.alpha': alpha } }),
    );
    const f = parallelFigure([...loraRanks, ...strengths], ctx);
    const alphaAxis = axisNames(f).findIndex((n) => n.startsWith('alpha'));
    expect(labelsOn(f, alphaAxis).map(([text]) => text)).toEqual(['0.01', '1']);
    const lines = traces(f).filter((t) => t.mode === 'lines+markers' && t.name === 'LoRA');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.y[alphaAxis]).toBeNull();
  });

  it('draws each seed faintly under its mean when asked for every seed', () => {
    const f = parallelFigure(rankSweep, { ...ctx, seeds: 'all' });
    const seeds = traces(f).filter((t) => t.mode === 'lines' && t.hoverinfo === 'skip');
    expect(seeds).toHaveLength(6);
    expect(seeds.every((t) => t.showlegend === false)).toBe(true);
  });

  it('takes the numeric settings that vary between untagged runs as axes, and says so when none varies', () => {
    // Learning rates 0.001 and 0.01: a decade apart, so on a log scale.
    expect(axisNames(parallelFigure([...vanilla, otherStudy], ctx))).toEqual(['lr (log)', 'R<sub>pre</sub> (%)', 'G<sub>tgt</sub> (pts)']);
    expect(parallelFigure(vanilla, ctx).empty).toBe('No parameter is swept among the selected runs');
    expect(parallelFigure([], ctx).empty).toBe('No finished fine-tuning run with headline numbers selected');
  });

  it('spaces a choice parameter\u2019s values evenly and labels the metric axes with round values', () => {
    const norms = ['l1', 'l2'].map((norm) => run({ id: norm, ...L2, params: { norm } }, 0.8, 0.5, { id: 'methods.0', point: { 'method.params.norm': norm } }));
    const f = parallelFigure(norms, ctx);
    expect(labelsOn(f, 0)).toEqual([
      ['l1', 0],
      ['l2', 1],
    ]);
    for (const axis of [1, 2]) {
      const values = labelsOn(f, axis).map(([text]) => Number(text));
      expect(values.every((v) => Number.isFinite(v))).toBe(true);
      expect(values.length).toBeGreaterThanOrEqual(2);
    }
  });
});
