import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/api';
import { buildFigure, FIGURES } from '../../src-renderer/lib/figures/build';
import { cdClassesFigure } from '../../src-renderer/lib/figures/cd-classes';
import { curvesFigure } from '../../src-renderer/lib/figures/curves';
import { distanceFigure } from '../../src-renderer/lib/figures/distance';
import type { Figure, FigureContext } from '../../src-renderer/lib/figures/figure';
import { scatterFigure } from '../../src-renderer/lib/figures/scatter';
import { sweptParameters, tradeoffFigure } from '../../src-renderer/lib/figures/tradeoff';
import { wiseftFigure } from '../../src-renderer/lib/figures/wiseft';
import { detail, headline, point, type RunSpec } from './run-fixtures';

// Colours and markers are the figure style's business; these tests check the numbers the builders compute.
const ctx: FigureContext = { styleOf: () => ({ color: '#000000', marker: 'circle', dash: 'solid' }) };

/** The fields of a scatter or bar trace these tests read. */
interface Trace {
  type: string;
  name: string;
  x: unknown[];
  y: unknown[];
  mode?: string;
  text?: string[];
  customdata?: unknown[];
  showlegend?: boolean;
  error_x?: { array: number[]; visible: boolean };
  error_y?: { array: number[]; visible: boolean };
}
const traces = (f: Figure) => f.data as unknown as Trace[];
const trace = (f: Figure, name: string) => traces(f).find((t) => t.name === name)!;
/** The bar traces of a bar figure (each may come with a marker trace on top). */
const bars = (f: Figure) => traces(f).filter((t) => t.type === 'bar');
/** The category under each bar: the x axis names them when the bars sit at numeric positions. */
const categories = (f: Figure) => (f.layout.xaxis as { ticktext?: string[] }).ticktext ?? bars(f)[0].x;
const title = (axis: unknown) => (axis as { title: { text: string } }).title.text;
const std = (xs: number[]) => {
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length - 1));
};
const close = (actual: unknown[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v as number).toBeCloseTo(expected[i], 9));
};

/** A finished run with a headline and a final point (base A_pre 0.9, A_tgt 0.1). */
const finished = (s: RunSpec, aPre: number, aTgt: number) =>
  detail({ ...s, headline: headline(aPre, aTgt) }, [point({ step: 10, phase: 'final', aPre, aTgt })]);
const VANILLA = { methodId: 'vanilla' };
const L2 = { methodId: 'l2-sp', methodLabel: 'L2-SP', params: { norm: 'l2', alpha: 0.1 } };
const EWC = { methodId: 'ewc', methodLabel: 'EWC', params: { lambda: 100 } };

describe('retention vs gain scatter', () => {
  const runs = [
    finished({ id: 'v0', ...VANILLA, seed: 0 }, 0.72, 0.7),
    finished({ id: 'v1', ...VANILLA, seed: 1 }, 0.76, 0.8),
    finished({ id: 'l0', ...L2, seed: 0 }, 0.88, 0.5),
    finished({ id: 'l1', ...L2, seed: 1 }, 0.86, 0.5),
    finished({ id: 'e0', ...EWC, seed: 0 }, 0.7, 0.4),
  ];

  it('draws the base model at (0, 100 %) and one marker per experiment at its mean over seeds with ±1 std bars', () => {
    const f = scatterFigure(runs, ctx);
    expect(f.empty).toBeNull();
    const base = traces(f)[0];
    expect([base.x, base.y]).toEqual([[0], [100]]);
    const v = trace(f, 'Vanilla fine-tuning');
    // Gain in accuracy points: (0.6 + 0.7)/2 → 65; retention (0.72/0.9 + 0.76/0.9)/2 → 82.2 %.
    close(v.x, [65]);
    close(v.y, [((0.72 + 0.76) / 2 / 0.9) * 100]);
    close(v.error_x!.array, [std([60, 70])]);
    close(v.error_y!.array, [std([(0.72 / 0.9) * 100, (0.76 / 0.9) * 100])]);
    expect(v.error_x!.visible).toBe(true);
    // One seed has no spread to show.
    expect(trace(f, 'EWC').error_x!.visible).toBe(false);
    expect(trace(f, 'EWC').error_y!.visible).toBe(false);
  });

  it('joins the experiments no other beats on both axes into a Pareto frontier, in gain order', () => {
    const front = trace(scatterFigure(runs, ctx), 'Pareto frontier');
    // L2-SP (gain 40, retention 96.1 %) and vanilla (gain 65, 82.2 %); EWC (30, 77.8 %) is beaten by both.
    close(front.x, [40, 65]);
    close(front.y, [((0.88 + 0.86) / 2 / 0.9) * 100, ((0.72 + 0.76) / 2 / 0.9) * 100]);
  });

  it('draws no frontier for a single experiment', () => {
    expect(traces(scatterFigure(runs.slice(0, 2), ctx)).map((t) => t.name)).toEqual(['base model θ₀', 'Vanilla fine-tuning']);
  });

  it('leaves out runs without a headline or a retention, and says so when nothing is left', () => {
    const unfinished = detail({ id: 'u', ...VANILLA, learningRate: 0.05, headline: null }, []);
    const noRetention = detail({ id: 'n', ...EWC, headline: { ...headline(0.5, 0.5), retention: null } }, []);
    expect(traces(scatterFigure([runs[0], unfinished, noRetention], ctx)).map((t) => t.name)).toEqual(['base model θ₀', 'Vanilla fine-tuning']);
    const empty = scatterFigure([unfinished, noRetention], ctx);
    expect(empty.data).toEqual([]);
    expect(empty.empty).toBe('No finished fine-tuning run with headline numbers selected');
  });

  it('plots a language model\u2019s target gain in nats, not scaled to points', () => {
    const lm = (id: string, seed: number, gain: number) =>
      detail(
        {
          id,
          seed,
          task: 'sotu',
          recipe: 'char-gpt',
          metric: 'loss',
          headline: { ...headline(2.2, 2.0, { aPre: 2.1, aTgt: 2.4 }), retention: 2.1 / 2.2, targetGain: gain },
        },
        [point({ step: 10, phase: 'final', aPre: 2.2, aTgt: 2.0 })],
      );
    const f = scatterFigure([lm('a', 0, 0.3), lm('b', 1, 0.5)], ctx);
    close(trace(f, 'Vanilla fine-tuning').x, [0.4]);
    close(trace(f, 'Vanilla fine-tuning').y, [(2.1 / 2.2) * 100]);
    expect(title(f.layout.xaxis)).toContain('nats');
  });
});

describe('learning curves', () => {
  const curveRun = (id: string, seed: number, over: Partial<RunSpec> = {}) =>
    detail({ id, seed, ...over }, [
      point({ step: 0, phase: 'base', aPre: 0.9, aTgt: 0.1 }),
      point({ step: 10, phase: 'train', aPre: 0.8, aTgt: 0.6 }),
      point({ step: 5, phase: 'train', aPre: 0.85, aTgt: 0.4 }),
      point({ step: 10, phase: 'final', aPre: 0.78, aTgt: 0.62 }),
      point({ step: 10, phase: 'sweep', alpha: 0.5, aPre: 0.88, aTgt: 0.3 }),
    ]);

  it('draws the mean over seeds of A_pre and A_tgt against the step, in step order, the final point replacing the last training point, no sweep points', () => {
    const f = curvesFigure([curveRun('a', 0), curveRun('b', 1)], ctx);
    expect(f.empty).toBeNull();
    const pre = trace(f, 'Vanilla fine-tuning');
    const tgt = trace(f, 'Vanilla fine-tuning: A<sub>tgt</sub>');
    expect(pre.x).toEqual([0, 5, 10]);
    close(pre.y, [90, 85, 78]);
    close(tgt.y, [10, 40, 62]);
    expect(title(f.layout.yaxis)).toBe('Accuracy (%)');
  });

  it('leaves points without a target value out of the A_tgt curve only', () => {
    const run = detail({ id: 'a' }, [
      point({ step: 0, phase: 'base', aPre: 0.9, aTgt: 0.1 }),
      point({ step: 5, phase: 'train', aPre: 0.85 }),
      point({ step: 10, phase: 'final', aPre: 0.8, aTgt: 0.6 }),
    ]);
    const [pre, tgt] = traces(curvesFigure([run], ctx));
    expect(pre.x).toEqual([0, 5, 10]);
    expect(tgt.x).toEqual([0, 10]);
  });

  it('draws a language model\u2019s losses in nats, unscaled, and a mixed selection as accuracy', () => {
    const lm = curveRun('t', 0, { task: 'sotu', recipe: 'char-gpt', metric: 'loss' });
    const f = curvesFigure([lm], ctx);
    close(traces(f)[0].y, [0.9, 0.85, 0.78]);
    expect(title(f.layout.yaxis)).toBe('Mean token loss (nats)');
    const mixed = curvesFigure([lm, curveRun('a', 0, { learningRate: 0.01 })], ctx);
    close(traces(mixed)[0].y, [90, 85, 78]);
  });

  it('skips runs with fewer than two points in time and says so when none is left', () => {
    const single = detail({ id: 's' }, [point({ step: 0, phase: 'base', aPre: 0.9, aTgt: 0.1 })]);
    const f = curvesFigure([single], ctx);
    expect(f.empty).toBe('No run with evaluations during training selected');
  });
});

describe('WiSE-FT α curves', () => {
  const sweepRun = (id: string, seed: number) =>
    detail({ id, seed, methodId: 'wise-ft', methodLabel: 'WiSE-FT' }, [
      point({ step: 10, phase: 'final', aPre: 0.7, aTgt: 0.8 }),
      point({ step: 10, phase: 'sweep', alpha: 1, aPre: 0.7, aTgt: 0.8 }),
      point({ step: 10, phase: 'sweep', alpha: 0, aPre: 0.9, aTgt: 0.1 }),
      point({ step: 10, phase: 'sweep', alpha: 0.5, aPre: 0.85, aTgt: 0.6 }),
    ]);

  it('draws one curve per experiment through its seeds\u2019 mean sweep points in α order', () => {
    const f = wiseftFigure([sweepRun('a', 0), sweepRun('b', 3)], ctx);
    const a = trace(f, 'WiSE-FT');
    expect(a.customdata).toEqual([0, 0.5, 1]);
    close(a.x, [10, 60, 80]);
    close(a.y, [90, 85, 70]);
  });

  it('skips runs without a sweep of at least two α and says so when none has one', () => {
    const vanilla = detail({ id: 'v' }, [point({ step: 10, phase: 'final', aPre: 0.7, aTgt: 0.8 })]);
    const lonely = detail({ id: 'l', methodId: 'wise-ft' }, [point({ step: 10, phase: 'sweep', alpha: 0.5, aPre: 0.8, aTgt: 0.5 })]);
    expect(traces(wiseftFigure([vanilla, sweepRun('a', 0)], ctx)).filter((t) => t.mode === 'lines+markers')).toHaveLength(1);
    expect(wiseftFigure([vanilla, lonely], ctx).empty).toBe('No selected run has a WiSE-FT α sweep');
  });
});

describe('trade-off curve of a swept parameter', () => {
  const sweep = [
    finished({ id: 'v-fast-0', ...VANILLA, learningRate: 0.01, seed: 0 }, 0.5, 0.9),
    finished({ id: 'v-fast-1', ...VANILLA, learningRate: 0.01, seed: 1 }, 0.6, 0.8),
    finished({ id: 'v-slow-0', ...VANILLA, learningRate: 0.001, seed: 0 }, 0.8, 0.6),
    finished({ id: 'v-slow-1', ...VANILLA, learningRate: 0.001, seed: 1 }, 0.84, 0.5),
    finished({ id: 'l-fast', ...L2, learningRate: 0.01 }, 0.7, 0.85),
    finished({ id: 'l-slow', ...L2, learningRate: 0.001 }, 0.88, 0.55),
  ];

  it('finds the numeric config paths that vary in every run, not the seed or a method\u2019s own parameter', () => {
    expect(sweptParameters(sweep)).toEqual(['budget.learningRate']);
  });

  it('draws each series (one per setting of everything else) through its seed means in parameter order, with ±1 std bars', () => {
    const f = tradeoffFigure(sweep, { ...ctx, param: null });
    expect(f.empty).toBeNull();
    expect((f.layout.title as { text: string }).text).toBe('Swept: budget.learningRate');
    expect(traces(f).map((t) => t.name)).toEqual(['Vanilla fine-tuning, learningRate as marked', 'L2-SP, learningRate as marked']);
    const v = trace(f, 'Vanilla fine-tuning, learningRate as marked');
    expect(v.text).toEqual(['0.001', '0.01']);
    close(v.x, [55, 85]);
    close(v.y, [82, 55]);
    close(v.error_x!.array, [std([60, 50]), std([90, 80])]);
    close(v.error_y!.array, [std([80, 84]), std([50, 60])]);
    const l2 = trace(f, 'L2-SP, learningRate as marked');
    close(l2.x, [55, 85]);
    close(l2.y, [88, 70]);
    expect(l2.error_x!.visible).toBe(false);
  });

  it('leaves unfinished runs out', () => {
    const unfinished = detail({ id: 'u', ...VANILLA, learningRate: 0.1, headline: null }, []);
    const f = tradeoffFigure([...sweep, unfinished], ctx);
    expect(trace(f, 'Vanilla fine-tuning, learningRate as marked').text).toEqual(['0.001', '0.01']);
  });

  it('says that nothing varies, or that the chosen parameter does not', () => {
    const same = sweep.filter((r) => r.id.startsWith('v-slow'));
    expect(tradeoffFigure(same, ctx).empty).toBe('No numeric parameter varies between the selected runs');
    expect(tradeoffFigure(sweep, { ...ctx, param: 'budget.epochs' }).empty).toBe(
      'Parameter budget.epochs does not vary (as a number) between the selected runs (these do: budget.learningRate)',
    );
  });

  it('takes a parameter by the end of its path, as the runs filter does', () => {
    expect((tradeoffFigure(sweep, { ...ctx, param: 'learningRate' }).layout.title as { text: string }).text).toBe('Swept: budget.learningRate');
  });
});

describe('collateral damage per pretrain class', () => {
  const damaged = (id: string, seed: number, counts: [number, number][], over: Partial<RunSpec> = {}) =>
    detail({ id, seed, ...over }, [
      point({
        step: 10,
        phase: 'final',
        aPre: 0.8,
        aTgt: 0.6,
        perClass: counts.map(([damaged, n], label) => ({ label, n, correctBefore: n, damaged, gained: 0 })),
      }),
    ]);

  it('gives each class its damaged share of the class in percent, averaged over seeds with ±1 std', () => {
    const f = cdClassesFigure(
      [
        damaged('a', 0, [
          [2, 10],
          [4, 10],
        ]),
        damaged('b', 1, [
          [4, 10],
          [4, 10],
        ]),
      ],
      ctx,
    );
    const [bar] = bars(f);
    expect(categories(f)).toEqual(['digit 0', 'digit 1']);
    close(bar.y, [30, 40]);
    close(bar.error_y!.array, [std([20, 40]), 0]);
  });

  it('names classes by the digit behind each index, the stored class names, or the task\u2019s class names', () => {
    const newClasses = damaged(
      'a',
      0,
      [
        [1, 10],
        [0, 10],
      ],
      { baseModel: { classes: [5, 6, 7, 8, 9] } },
    );
    expect(categories(cdClassesFigure([newClasses], ctx))).toEqual(['digit 5', 'digit 6']);
    const library = damaged(
      'b',
      0,
      [
        [1, 10],
        [0, 10],
      ],
      { baseModel: { classes: [0, 1], classNames: ['cat', 'dog'] } },
    );
    expect(categories(cdClassesFigure([library], ctx))).toEqual(['cat', 'dog']);
    const spam = damaged(
      'c',
      0,
      [
        [1, 10],
        [0, 10],
      ],
      { task: 'spam-later', recipe: 'char-encoder', baseModel: { classes: [0, 1] } },
    );
    expect(categories(cdClassesFigure([spam], ctx))).toEqual(['ham', 'spam']);
  });

  it('one bar trace per experiment, and a message when no run has a final evaluation', () => {
    const f = cdClassesFigure([damaged('a', 0, [[1, 10]]), damaged('b', 0, [[3, 10]], L2)], ctx);
    expect(bars(f).map((t) => t.name)).toEqual(['Vanilla fine-tuning', 'L2-SP']);
    close(bars(f)[1].y, [30]);
    expect(cdClassesFigure([detail({ id: 'q', status: 'queued', headline: null }, [])], ctx).empty).toBe('No selected run has a final evaluation');
  });
});

describe('weight distance per layer', () => {
  const layers = (id: string, seed: number, d1: number, d2: number) =>
    detail({ id, seed }, [
      point({
        step: 10,
        phase: 'final',
        aPre: 0.8,
        aTgt: 0.6,
        perLayer: [
          { name: 'dense1/kernel', distance: d1, relative: d1 / 10 },
          { name: 'dense2/kernel', distance: d2, relative: d2 / 10 },
        ],
      }),
    ]);

  it('gives each backbone tensor its mean distance over seeds with ±1 std, layers in forward order', () => {
    const f = distanceFigure([layers('a', 0, 1, 3), layers('b', 1, 2, 3)], ctx);
    const [bar] = bars(f);
    expect(categories(f)).toEqual(['dense1/kernel', 'dense2/kernel']);
    close(bar.y, [1.5, 3]);
    close(bar.error_y!.array, [std([1, 2]), 0]);
  });

  it('reads the last training point of a run without a final evaluation, the final one otherwise', () => {
    const run = detail({ id: 'a' }, [
      point({ step: 5, phase: 'train', aPre: 0.8, perLayer: [{ name: 'dense1/kernel', distance: 1, relative: 0.1 }] }),
      point({ step: 10, phase: 'train', aPre: 0.8, perLayer: [{ name: 'dense1/kernel', distance: 2, relative: 0.2 }] }),
    ]);
    close(bars(distanceFigure([run], ctx))[0].y, [2]);
    const withFinal = detail({ id: 'b' }, [
      ...run.evaluations.slice().reverse(),
      point({ step: 10, phase: 'final', aPre: 0.8, perLayer: [{ name: 'dense1/kernel', distance: 7, relative: 0.7 }] }),
    ]);
    close(bars(distanceFigure([withFinal], ctx))[0].y, [7]);
  });

  it('says so when no run has per-layer distances', () => {
    const none = detail({ id: 'a' }, [point({ step: 10, phase: 'final', aPre: 0.8 })]);
    expect(distanceFigure([none], ctx).empty).toBe('No selected run has per-layer weight distances');
  });
});

describe('figure registry', () => {
  it('builds every kind through its own builder, each with a title', () => {
    const runs: RunDetail[] = [finished({ id: 'a' }, 0.8, 0.6)];
    for (const [kind, { title: name, build }] of Object.entries(FIGURES)) {
      expect(name.length, kind).toBeGreaterThan(5);
      expect(buildFigure(kind as keyof typeof FIGURES, runs, ctx)).toEqual(build(runs, ctx));
    }
    expect(Object.keys(FIGURES).sort()).toEqual(['cd-classes', 'curves', 'distance', 'parallel', 'scatter', 'tradeoff', 'wiseft']);
  });
});
