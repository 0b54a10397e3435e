import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/api';
import { LINE_DASHES } from '../../src-shared/method-style';
import { variantShades } from '../../src-shared/variant-shades';
import { methodCatalog } from '../../src-main/engine/methods/registry';
import { runStyles } from '../../src-renderer/lib/compare/method-style';
import { cdClassesFigure } from '../../src-renderer/lib/figures/cd-classes';
import { curvesFigure } from '../../src-renderer/lib/figures/curves';
import type { Figure, FigureContext } from '../../src-renderer/lib/figures/figure';
import { scatterFigure } from '../../src-renderer/lib/figures/scatter';
import { tradeoffFigure } from '../../src-renderer/lib/figures/tradeoff';
import { reportedAlpha, wiseftFigure } from '../../src-renderer/lib/figures/wiseft';
import { detail, headline, point, type RunSpec } from './run-fixtures';

// The real catalog: the styles the methods declare are what these tests hold the figures to.
const catalog = methodCatalog();
const declared = (id: string) => catalog.find((m) => m.id === id)!.style;
const ctx: FigureContext = { styleOf: runStyles(catalog) };

/** The fields of a trace these tests read. */
interface Trace {
  name: string;
  mode?: string;
  x: (number | null)[];
  y: (number | null)[];
  showlegend?: boolean;
  fill?: string;
  fillcolor?: string;
  text?: string[];
  customdata?: number[];
  line?: { color?: string; dash?: string; width?: number };
  marker?: { color?: string; symbol?: string };
}
const traces = (f: Figure) => f.data as unknown as Trace[];
const named = (f: Figure, name: string) => traces(f).find((t) => t.name === name)!;
const close = (actual: (number | null)[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v as number).toBeCloseTo(expected[i], 9));
};

// Hue in degrees of a #RRGGBB colour.
function hue(color: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return NaN;
  const h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return h * 60;
}

const LORA = { methodId: 'lora', methodLabel: 'LoRA' };
const WISE = { methodId: 'wiseft', methodLabel: 'WiSE-FT interpolation' };
const finished = (s: RunSpec, aPre: number, aTgt: number) =>
  detail({ ...s, headline: headline(aPre, aTgt) }, [point({ step: 10, phase: 'final', aPre, aTgt })]);
const curve = (s: RunSpec, pre: [number, number][], tgt: [number, number][] = pre) =>
  detail(
    s,
    pre.map(([step, aPre], i) => point({ step, phase: i === 0 ? 'base' : 'train', aPre, aTgt: tgt[i]?.[1] ?? null })),
  );

describe('line styles the methods declare', () => {
  it('every method declares one of Plotly\u2019s line styles, and two methods share one only when their hues are far apart', () => {
    for (const m of catalog) expect(LINE_DASHES, m.id).toContain(m.style.dash);
    for (const a of catalog)
      for (const b of catalog) {
        if (a.id >= b.id || a.style.dash !== b.style.dash) continue;
        const apart = Math.abs(hue(a.style.color) - hue(b.style.color));
        expect(Math.min(apart, 360 - apart), `${a.id} and ${b.id} share ${a.style.dash}`).toBeGreaterThan(90);
      }
  });

  it('draws LoRA and WiSE-FT, RecAdam and vanilla apart in colour, marker and line style in the learning curves', () => {
    const pairs = [
      ['lora', 'wiseft'],
      ['recadam', 'vanilla'],
    ];
    const runs = ['lora', 'wiseft', 'recadam', 'vanilla'].map((id, i) =>
      curve({ id, methodId: id, methodLabel: id, learningRate: 0.001 * (i + 1) }, [
        [0, 0.9],
        [10, 0.8],
      ]),
    );
    const f = curvesFigure(runs, ctx);
    const line = (id: string) => traces(f).find((t) => t.name.startsWith(id) && t.showlegend)!;
    for (const id of ['lora', 'wiseft', 'recadam', 'vanilla']) {
      expect(line(id).line, id).toMatchObject({ color: declared(id).color, dash: declared(id).dash });
      expect(line(id).marker, id).toMatchObject({ color: declared(id).color, symbol: declared(id).marker });
    }
    for (const [a, b] of pairs) {
      expect(line(a).line!.dash).not.toBe(line(b).line!.dash);
      expect(line(a).marker!.symbol).not.toBe(line(b).marker!.symbol);
      expect(line(a).line!.color).not.toBe(line(b).line!.color);
    }
  });

  it('draws the trade-off lines and the α curves in the method\u2019s line style', () => {
    const sweep = [0.01, 0.001].map((lr, i) => finished({ id: `l${i}`, ...LORA, learningRate: lr }, 0.8 - i * 0.1, 0.6));
    expect(traces(tradeoffFigure(sweep, ctx))[0].line).toMatchObject({ color: declared('lora').color, dash: declared('lora').dash });
    const wise = detail({ id: 'w', ...WISE }, [
      point({ step: 10, phase: 'sweep', alpha: 0, aPre: 0.9, aTgt: 0.1 }),
      point({ step: 10, phase: 'sweep', alpha: 1, aPre: 0.7, aTgt: 0.8 }),
    ]);
    expect(traces(wiseftFigure([wise], ctx)).find((t) => t.mode === 'lines+markers')!.line).toMatchObject({
      color: declared('wiseft').color,
      dash: declared('wiseft').dash,
    });
  });
});

describe('variants of one method', () => {
  // A LoRA rank sweep, listed out of order, next to vanilla.
  const ranks = [16, 1, 64, 4];
  const runs = [
    ...ranks.map((rank, i) => finished({ id: `r${rank}`, ...LORA, params: { rank } }, 0.8 - i * 0.05, 0.6)),
    finished({ id: 'v', methodId: 'vanilla' }, 0.7, 0.7),
  ];

  it('draws a rank sweep in a light-to-dark ramp of LoRA\u2019s hue in rank order, labelled with the rank, marker kept', () => {
    const f = scatterFigure(runs, ctx);
    const shades = variantShades(declared('lora').color, 4);
    // The runs' retention falls in the order they are listed: that finds each rank's marker whatever the label's notation.
    const lora = traces(f)
      .filter((t) => t.name.startsWith('LoRA'))
      .sort((a, b) => (b.y[0] as number) - (a.y[0] as number));
    expect(lora).toHaveLength(4);
    for (const [i, rank] of ranks.entries()) {
      expect(lora[i].name, `rank ${rank}`).toMatch(new RegExp(`\\b${rank}\\b`));
      expect(lora[i].marker, `rank ${rank}`).toMatchObject({ color: shades[[1, 4, 16, 64].indexOf(rank)], symbol: declared('lora').marker });
    }
    // A method with one experiment keeps its declared colour.
    expect(named(f, 'Vanilla fine-tuning').marker!.color).toBe(declared('vanilla').color);
  });

  it('shades the bars of the variants the same way', () => {
    const withClasses = runs.map((r) => ({
      ...r,
      evaluations: [point({ step: 10, phase: 'final', aPre: 0.8, perClass: [{ label: 0, n: 10, correctBefore: 10, damaged: 1, gained: 0 }] })],
    }));
    const f = cdClassesFigure(withClasses, ctx);
    const bar = (rank: number) =>
      (f.data as unknown as { type: string; name: string; marker: { color: string } }[]).find(
        (t) => t.type === 'bar' && new RegExp(`^LoRA.*\\b${rank}\\b`).test(t.name),
      )!;
    expect(bar(1).marker.color).toBe(variantShades(declared('lora').color, 4)[0]);
    expect(bar(64).marker.color).toBe(variantShades(declared('lora').color, 4)[3]);
  });
});

describe('learning curves: a mean line with a band per experiment', () => {
  const seedA = curve({ id: 'a', seed: 0 }, [
    [0, 0.9],
    [5, 0.8],
    [10, 0.7],
  ]);
  const seedB = curve({ id: 'b', seed: 1 }, [
    [0, 0.9],
    [5, 0.6],
    [10, 0.5],
  ]);

  it('draws one mean line per experiment and metric with a ±1 std band in its colour, one legend entry per experiment', () => {
    const f = curvesFigure([seedA, seedB], ctx);
    const pre = named(f, 'Vanilla fine-tuning');
    close(pre.y, [90, 70, 60]);
    const band = named(f, 'Vanilla fine-tuning: A<sub>pre</sub> ±1 std');
    const sd = Math.SQRT2 * 10;
    expect(band.fill).toBe('toself');
    expect(band.fillcolor).toBe('rgba(0, 0, 0, 0.2)');
    close(band.x, [0, 5, 10, 10, 5, 0]);
    close(band.y, [90, 70 + sd, 60 + sd, 60 - sd, 70 - sd, 90]);
    expect(
      traces(f)
        .filter((t) => t.showlegend !== false && t.x[0] !== null)
        .map((t) => t.name),
    ).toEqual(['Vanilla fine-tuning']);
    // Which marks are which metric is said once, not per experiment.
    expect(
      traces(f)
        .filter((t) => t.x[0] === null)
        .map((t) => t.name),
    ).toEqual(['A<sub>pre</sub>: filled marks', 'A<sub>tgt</sub>: open marks']);
    expect(named(f, 'Vanilla fine-tuning: A<sub>tgt</sub>').marker!.symbol).toBe('circle-open');
  });

  it('interpolates seeds evaluated at other steps onto common steps, over the range every seed covers', () => {
    const other = curve({ id: 'c', seed: 2 }, [
      [0, 0.9],
      [4, 0.5],
      [8, 0.7],
    ]);
    const pre = named(curvesFigure([seedA, other], ctx), 'Vanilla fine-tuning');
    expect(pre.x).toEqual([0, 4, 5, 8]);
    // seed a at 4 is 0.82 on its way from 0.9 to 0.8; seed c at 5 is 0.55.
    close(pre.y, [90, (82 + 50) / 2, (80 + 55) / 2, (74 + 70) / 2]);
  });

  it('draws each seed too, faintly and out of the legend, when asked for all seeds', () => {
    expect(traces(curvesFigure([seedA, seedB], ctx)).some((t) => t.name.includes('seed'))).toBe(false);
    const f = curvesFigure([seedA, seedB], { ...ctx, seeds: 'all' });
    const seeds = traces(f).filter((t) => t.name.includes(', seed '));
    expect(seeds.map((t) => t.name)).toEqual([
      'Vanilla fine-tuning: A<sub>pre</sub>, seed 0',
      'Vanilla fine-tuning: A<sub>pre</sub>, seed 1',
      'Vanilla fine-tuning: A<sub>tgt</sub>, seed 0',
      'Vanilla fine-tuning: A<sub>tgt</sub>, seed 1',
    ]);
    expect(seeds.every((t) => t.showlegend === false && t.line!.color!.startsWith('rgba('))).toBe(true);
    close(seeds[1].y, [90, 60, 50]);
  });
});

describe('WiSE-FT α curves: no overlapping labels, the reported α marked', () => {
  const sweepRun = (id: string, seed: number, shift: number, over: Partial<RunSpec> = {}) =>
    detail({ id, seed, ...WISE, params: { reportAlpha: 0.5 }, ...over }, [
      point({ step: 10, phase: 'sweep', alpha: 1, aPre: 0.7 - shift, aTgt: 0.8 + shift }),
      point({ step: 10, phase: 'sweep', alpha: 0, aPre: 0.9, aTgt: 0.1 }),
      point({ step: 10, phase: 'sweep', alpha: 0.5, aPre: 0.85 - shift, aTgt: 0.6 + shift }),
      point({ step: 10, phase: 'final', aPre: 0.85 - shift, aTgt: 0.6 + shift }),
    ]);

  it('draws one mean curve per experiment in α order with no text on its points, α on hover', () => {
    const f = wiseftFigure([sweepRun('a', 0, 0), sweepRun('b', 1, 0.02)], ctx);
    const curves = traces(f).filter((t) => t.mode === 'lines+markers');
    expect(curves).toHaveLength(1);
    const [c] = curves;
    expect(c.text).toBeUndefined();
    expect(c.customdata).toEqual([0, 0.5, 1]);
    close(c.x, [10, 61, 81]);
    close(c.y, [90, 84, 69]);
  });

  it('marks the shared start θ₀ once, and rings each experiment\u2019s reported α at its final evaluation', () => {
    const f = wiseftFigure([sweepRun('a', 0, 0), sweepRun('b', 1, 0.02), sweepRun('c', 0, 0, { learningRate: 0.01 })], ctx);
    const start = named(f, 'θ₀ (α = 0)');
    expect([start.x, start.y]).toEqual([[10], [90]]);
    const ring = named(f, 'reported α = 0.5');
    expect(ring.marker!.symbol).toBe('circle-open');
    close(ring.x, [61, 60]);
    close(ring.y, [84, 85]);
  });

  it('reads the reported α of WiSE-FT alone or as a partner, and none of a run without WiSE-FT', () => {
    expect(reportedAlpha({ method: { id: 'wiseft', params: { reportAlpha: 0.3 }, with: [] } })).toBe(0.3);
    expect(reportedAlpha({ method: { id: 'lora', params: {}, with: [{ id: 'wiseft', params: { reportAlpha: 0.7 } }] } })).toBe(0.7);
    expect(reportedAlpha({ method: { id: 'vanilla', params: {}, with: [] } })).toBeNull();
    expect(reportedAlpha(null)).toBeNull();
  });

  it('draws each seed\u2019s α curve too when asked for all seeds', () => {
    const runs: RunDetail[] = [sweepRun('a', 0, 0), sweepRun('b', 1, 0.02)];
    const seeds = traces(wiseftFigure(runs, { ...ctx, seeds: 'all' })).filter((t) => t.name.includes(', seed '));
    expect(seeds.map((t) => t.name.replace(/.*, /, ''))).toEqual(['seed 0', 'seed 1']);
    expect(seeds.every((t) => t.showlegend === false)).toBe(true);
  });
});
