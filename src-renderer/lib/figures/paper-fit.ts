import type { Data } from 'plotly.js-dist';
import { defaultHeightIn, PAPER_WIDTHS, PRESET_LIMITS, type PaperPreset } from '../../../src-shared/figure-options';
import type { Figure } from './figure';
import { loadPaperFont } from './paper-fonts';
import { loadPlotly } from './plotly';
import { legendPlacements, PAGE_PAD, paperData, paperLayout, plotSize, type PaperArrangement } from './style';

/** A box in layout units (points on paper) from the figure's top-left corner. */
interface Box {
  label: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** What a laid-out figure draws where: the measure of whether it fits its page. */
interface Measured {
  texts: Box[];
  legend: Box | null;
  legendTexts: Box[];
  /** Markers and bars as boxes; lines as points sampled along them. */
  marks: Box[];
  plot: Box;
}

/** A paper figure laid out so that nothing clips or covers data: the Plotly layout to draw, and the arrangement it uses. */
export interface PaperFit {
  data: Data[];
  layout: Record<string, unknown>;
  arrangement: PaperArrangement;
}

/** The least share of the figure's width and of its height the plot area keeps. */
export const MIN_PLOT_SHARE = 0.5;
// Glyph boxes include side bearings: boxes that touch within this much do not count as overlapping.
const TOUCH = 0.6;

const overlaps = (a: Box, b: Box) => Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > TOUCH && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > TOUCH;
const contains = (outer: Box, inner: Box) =>
  inner.x0 >= outer.x0 - TOUCH && inner.y0 >= outer.y0 - TOUCH && inner.x1 <= outer.x1 + TOUCH && inner.y1 <= outer.y1 + TOUCH;
const centreIn = (b: Box, m: Box) => {
  const [cx, cy] = [(m.x0 + m.x1) / 2, (m.y0 + m.y1) / 2];
  return cx > b.x0 && cx < b.x1 && cy > b.y0 && cy < b.y1;
};

/** Measures a figure Plotly has drawn into `div`, in layout units. */
function measure(div: HTMLElement): Measured {
  const origin = div.getBoundingClientRect();
  const box = (el: Element, label: string): Box => {
    const r = el.getBoundingClientRect();
    return { label, x0: r.left - origin.left, y0: r.top - origin.top, x1: r.right - origin.left, y1: r.bottom - origin.top };
  };
  const visible = (el: Element) => el.getBoundingClientRect().width > 0 && (el.textContent ?? '').trim() !== '';
  const legendGroup = div.querySelector('g.legend');
  const texts = [...div.querySelectorAll('svg text')].filter(visible);
  const marks = [...div.querySelectorAll('.scatterlayer path.point, .barlayer path')]
    .filter((p) => p.getBoundingClientRect().width > 0)
    .map((p) => box(p, 'a data mark'));
  for (const line of div.querySelectorAll<SVGPathElement>('.scatterlayer path.js-line')) {
    const matrix = line.getScreenCTM();
    if (!matrix) continue;
    const length = line.getTotalLength();
    for (let d = 0; d <= length; d += Math.max(1, length / 200)) {
      const at = line.getPointAtLength(d);
      const p = new DOMPoint(at.x, at.y).matrixTransform(matrix);
      marks.push({ label: 'a line', x0: p.x - origin.left, y0: p.y - origin.top, x1: p.x - origin.left, y1: p.y - origin.top });
    }
  }
  // Plotly's own record of the plot area (margins it grew for titles, ticks and legend).
  const size = (div as unknown as { _fullLayout?: { _size?: { l: number; t: number; w: number; h: number } } })._fullLayout?._size;
  return {
    texts: texts.filter((t) => !legendGroup?.contains(t)).map((t) => box(t, `'${t.textContent!.trim()}'`)),
    legend: legendGroup?.querySelector('rect.bg') ? box(legendGroup.querySelector('rect.bg')!, 'the legend') : null,
    legendTexts: texts.filter((t) => legendGroup?.contains(t)).map((t) => box(t, `legend entry '${t.textContent!.trim()}'`)),
    marks,
    plot: { label: 'the plot area', x0: size?.l ?? 0, y0: size?.t ?? 0, x1: (size?.l ?? 0) + (size?.w ?? 0), y1: (size?.t ?? 0) + (size?.h ?? 0) },
  };
}

/**
 * How much farther each axis title must stand from its tick labels so as not to touch them, in layout
 * units (0 where it is clear): Plotly places titles by its own estimate of the labels' size, which
 * two-line category labels exceed.
 */
function titleClearance(div: HTMLElement): { x: number; y: number } {
  const rect = (el: Element | null) => el?.getBoundingClientRect() ?? null;
  const ticks = (axis: 'x' | 'y') => [...div.querySelectorAll(`g.${axis}tick text`)].map((t) => t.getBoundingClientRect()).filter((r) => r.width > 0);
  const [xTitle, yTitle] = [rect(div.querySelector('text.xtitle')), rect(div.querySelector('text.ytitle'))];
  const gap = 2;
  const x = xTitle ? Math.max(0, ...ticks('x').map((t) => t.bottom + gap - xTitle.top)) : 0;
  const y = yTitle ? Math.max(0, ...ticks('y').map((t) => yTitle.right + gap - t.left)) : 0;
  return { x, y };
}

/** What keeps a measured figure from going into a paper as it is; empty when it fits. */
function problems(m: Measured, width: number, height: number): string[] {
  // Plotly draws inside the page's padding; its text may use the padding, not go past it.
  const page: Box = { label: 'the page', x0: -PAGE_PAD, y0: -PAGE_PAD, x1: width + PAGE_PAD, y1: height + PAGE_PAD };
  const out: string[] = [];
  // Strict at the page's edge: the padding already is the slack for Plotly's estimates.
  for (const t of [...m.texts, ...m.legendTexts, ...(m.legend ? [m.legend] : [])])
    if (t.x0 < page.x0 || t.y0 < page.y0 || t.x1 > page.x1 || t.y1 > page.y1) out.push(`${t.label} is cut off at the page's edge`);
  for (let i = 0; i < m.texts.length; i++)
    for (let j = i + 1; j < m.texts.length; j++) if (overlaps(m.texts[i], m.texts[j])) out.push(`${m.texts[i].label} overlaps ${m.texts[j].label}`);
  if (m.legend) {
    for (const t of m.legendTexts) if (!contains(m.legend, t)) out.push(`${t.label} does not fit in the legend`);
    for (const t of m.texts) if (overlaps(m.legend, t)) out.push(`the legend covers ${t.label}`);
    const covered = m.marks.filter((mark) => centreIn(m.legend!, mark));
    if (covered.length) out.push(`the legend covers ${covered.length} data mark${covered.length === 1 ? '' : 's'}`);
  }
  const [w, h] = [m.plot.x1 - m.plot.x0, m.plot.y1 - m.plot.y0];
  if (w < MIN_PLOT_SHARE * width || h < MIN_PLOT_SHARE * height)
    out.push(`the plot area would be ${Math.round((100 * w) / width)}% of the width and ${Math.round((100 * h) / height)}% of the height`);
  return out;
}

/** Whether the figure's x axis holds categories (bars per class or per layer), whose labels may stand upright. */
function categoricalX(figure: Figure): boolean {
  if (figure.layout.xaxis?.ticktext) return true;
  return figure.data.some((t) => Array.isArray((t as { x?: unknown[] }).x) && (t as { x: unknown[] }).x.some((v) => typeof v === 'string'));
}

/** The forms of titles and tick labels to try, in order of preference: titles on one line and tick labels across first. */
function forms(figure: Figure): Omit<PaperArrangement, 'legend'>[] {
  const upright = categoricalX(figure) ? [false, true] : [false];
  return [false, true].flatMap((breakTitles) => upright.map((uprightTicks) => ({ breakTitles, uprightTicks })));
}

/** One arrangement drawn and measured: what keeps it from fitting (nothing, when it fits) and the plot area it leaves. */
interface Trial {
  fit: PaperFit;
  problems: string[];
  area: number;
}

/** Draws figures off screen at one preset and measures them: the same div for every arrangement tried. */
async function trialRunner(figure: Figure, preset: PaperPreset): Promise<{ run: (a: PaperArrangement) => Promise<Trial>; close: () => void }> {
  const Plotly = await loadPlotly();
  await loadPaperFont(preset.font);
  const [width, height] = plotSize(preset);
  const div = document.createElement('div');
  // Laid out where nobody sees it, at the paper size in layout units.
  Object.assign(div.style, { position: 'fixed', left: '-20000px', top: '0', width: `${width}px`, height: `${height}px` });
  document.body.append(div);
  const data = paperData(figure.data);
  return {
    run: async (arrangement) => {
      const layout = { ...paperLayout(figure, preset, arrangement), width, height } as Record<string, unknown>;
      try {
        // A fresh plot for every trial: Plotly remembers margins it grew, which would carry into the next arrangement's measure.
        await Plotly.newPlot(div, data, layout as never, { staticPlot: true });
        // Plotly grows margins for titles and ticks one push at a time; a second layout settles them.
        await Plotly.react(div, data, layout as never, { staticPlot: true });
        // Titles that touch their tick labels move out by what was measured, and the margins settle again.
        const clear = titleClearance(div);
        for (const axis of ['x', 'y'] as const) {
          const a = layout[`${axis}axis`] as { title?: { standoff?: number } } | undefined;
          if (clear[axis] > 0 && a?.title) a.title = { ...a.title, standoff: (a.title.standoff ?? 0) + clear[axis] };
        }
        if (clear.x > 0 || clear.y > 0) {
          await Plotly.react(div, data, layout as never, { staticPlot: true });
          await Plotly.react(div, data, layout as never, { staticPlot: true });
        }
      } catch {
        // Plotly gives up when its margins leave no room for the axes ("Something went wrong with axis scaling").
        return { fit: { data, layout, arrangement }, problems: ['titles, ticks and legend leave no room for the plot'], area: 0 };
      }
      const measured = measure(div);
      // What is measured is what is exported: the settled margins, fixed, so that a fresh drawing (Plotly.toImage) lays out the same.
      const margin = (div as unknown as { _fullLayout: { _size: { l: number; r: number; t: number; b: number } } })._fullLayout._size;
      const settled = { ...layout, margin: { l: margin.l, r: margin.r, t: margin.t, b: margin.b, pad: 0, autoexpand: false } };
      const area = (measured.plot.x1 - measured.plot.x0) * (measured.plot.y1 - measured.plot.y0);
      return { fit: { data, layout: settled, arrangement }, problems: problems(measured, width, height), area };
    },
    close: () => {
      Plotly.purge(div);
      div.remove();
    },
  };
}

/**
 * Finds the preferred arrangement that fits at a preset: for each form of titles and ticks in turn,
 * a legend beside or under the plot (the one leaving the larger plot), else one inside a corner that
 * covers no data. Without a fit, the problems of the trial that came closest (fewest problems).
 */
async function bestArrangement(figure: Figure, preset: PaperPreset, only?: PaperArrangement[]): Promise<{ fit: PaperFit | null; problems: string[] }> {
  const runner = await trialRunner(figure, preset);
  let closest: string[] | null = null;
  try {
    const groups = only
      ? [only]
      : forms(figure).flatMap((form) => {
          const placements = legendPlacements(figure).map((legend) => ({ ...form, legend }));
          return [placements.filter((a) => !a.legend.startsWith('inside')), placements.filter((a) => a.legend.startsWith('inside'))];
        });
    for (const group of groups) {
      const fitting: Trial[] = [];
      for (const arrangement of group) {
        const trial = await runner.run(arrangement);
        if (!trial.problems.length) fitting.push(trial);
        else if (!closest || trial.problems.length < closest.length) closest = trial.problems;
      }
      if (fitting.length) return { fit: fitting.reduce((a, b) => (b.area > a.area ? b : a)).fit, problems: [] };
    }
  } finally {
    runner.close();
  }
  return { fit: null, problems: closest ?? [] };
}

/** A figure that cannot be laid out at a preset: the message says what to change. */
export class FigureFitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FigureFitError';
  }
}

/** How far the advice looks for a height that holds a figure: up to twice the one asked, in steps of a quarter inch. */
const HEIGHT_STEP_IN = 0.25;

/**
 * Lays a figure out for paper: every text inside the page, no text over another, the legend over
 * no data, the plot keeping at least half the width and height. Where the preset cannot hold it,
 * throws a FigureFitError that names the first problem and, unless `advice` is off (a bundle leaves
 * such figures out), the sizes or font that hold it.
 */
export async function fitPaperFigure(figure: Figure, preset: PaperPreset, { advice = true }: { advice?: boolean } = {}): Promise<PaperFit> {
  const first = await bestArrangement(figure, preset);
  if (first.fit) return first.fit;
  const size = `${preset.widthIn} × ${preset.heightIn} in at ${preset.fontPt} pt`;
  if (!advice) throw new FigureFitError(`At ${size} this figure does not fit: ${first.problems[0]}.`);
  // The advice tries the legend beside and under the plot only: enough to find a size, at a few drawings per size.
  const outside = forms(figure).flatMap((form) =>
    legendPlacements(figure)
      .filter((legend) => !legend.startsWith('inside'))
      .map((legend) => ({ ...form, legend })),
  );
  const fits = async (p: PaperPreset) => (await bestArrangement(figure, p, outside)).fit !== null;
  const options: string[] = [];
  // Taller holds more (a figure that fits at some height fits above it): the smallest height that fits, by bisection.
  const heightAt = (k: number) => Math.round((preset.heightIn + HEIGHT_STEP_IN * k) * 100) / 100;
  const steps = Math.floor((Math.min(PRESET_LIMITS.heightIn[1], 2 * preset.heightIn) - preset.heightIn) / HEIGHT_STEP_IN);
  if (steps >= 1 && (await fits({ ...preset, heightIn: heightAt(steps) }))) {
    let [misses, holds] = [0, steps];
    while (holds - misses > 1) {
      const mid = (misses + holds) >> 1;
      if (await fits({ ...preset, heightIn: heightAt(mid) })) holds = mid;
      else misses = mid;
    }
    options.push(`a height of ${heightAt(holds).toFixed(2)} in`);
  }
  // The double-column preset as the form and --width 6.75 give it: its own default height.
  const double = { ...preset, widthIn: PAPER_WIDTHS.double, heightIn: defaultHeightIn(PAPER_WIDTHS.double) };
  if (preset.widthIn < double.widthIn && (await fits(double))) options.push(`the double-column size (${double.widthIn} × ${double.heightIn} in)`);
  if (preset.fontPt > PRESET_LIMITS.fontPt[0] && (await fits({ ...preset, fontPt: preset.fontPt - 1 }))) options.push(`a font of ${preset.fontPt - 1} pt`);
  const what = options.length ? `choose ${options.join(', or ')}` : 'choose a larger size, or fewer runs';
  throw new FigureFitError(`At ${size} this figure does not fit: ${first.problems[0]}; ${what}.`);
}
