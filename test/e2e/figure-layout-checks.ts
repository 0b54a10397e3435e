import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';

/** An axis-aligned box in points (PDF) or layout units (SVG), from the top-left corner. */
export interface Box {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

// Glyph boxes are font boxes (ascent to descent, advance width): a subscript set after its letter, or
// two lines of a legend, graze each other's boxes without any ink touching. Text counts as drawn over
// other text when the boxes share more than this share of the smaller one.
const OVERLAP_SHARE = 0.3;
// Boxes may reach this far past the page's edge (half a point: rounding of the PDF's page size).
const EDGE = 0.5;

// Plotly writes a zero-width space (U+200B) on each side of a sub- or superscript: a word that starts or
// ends with one is part of the same text as its neighbour, set at another size and baseline.
const SCRIPT_BOUNDARY = /^\u200b|\u200b$/;

function overlap(a: Box, b: Box): boolean {
  if (SCRIPT_BOUNDARY.test(a.text) || SCRIPT_BOUNDARY.test(b.text)) return false;
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return false;
  const smaller = Math.min((a.x1 - a.x0) * (a.y1 - a.y0), (b.x1 - b.x0) * (b.y1 - b.y0));
  return w * h > OVERLAP_SHARE * smaller;
}

/** What is wrong with a page's text: boxes reaching past the page, and pairs of boxes drawn over each other. */
export function textLayoutProblems(boxes: Box[], width: number, height: number): string[] {
  const problems: string[] = [];
  boxes = boxes.filter((b) => b.text.replace(/[\s\u200b]/g, '') !== '');
  for (const b of boxes) {
    if (b.x0 < -EDGE || b.y0 < -EDGE || b.x1 > width + EDGE || b.y1 > height + EDGE)
      problems.push(
        `'${b.text}' reaches outside the ${width.toFixed(0)}×${height.toFixed(0)} page (${[b.x0, b.y0, b.x1, b.y1].map((v) => v.toFixed(1)).join(', ')})`,
      );
  }
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) if (overlap(boxes[i], boxes[j])) problems.push(`'${boxes[i].text}' overlaps '${boxes[j].text}'`);
  return problems;
}

/** The words of a PDF's first page with their boxes (poppler's pdftotext -bbox-layout), and the page size. */
export function pdfWords(file: string): { width: number; height: number; words: Box[] } {
  const html = execFileSync('pdftotext', ['-bbox-layout', '-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
  const page = /<page width="([\d.]+)" height="([\d.]+)">/.exec(html);
  if (!page) throw new Error(`pdftotext found no page in ${file}`);
  const words = [...html.matchAll(/<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)<\/word>/g)].map((m) => ({
    text: m[5],
    x0: Number(m[1]),
    y0: Number(m[2]),
    x1: Number(m[3]),
    y1: Number(m[4]),
  }));
  return { width: Number(page[1]), height: Number(page[2]), words };
}

/** The base names of the fonts a PDF embeds (pdffonts), subset prefixes removed: "STIXTwoText-Italic". */
export function pdfFonts(file: string): { name: string; embedded: boolean }[] {
  const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
  return lines.map((line) => {
    const cols = line.trim().split(/\s+/);
    // name type… encoding emb sub uni object ID: emb is the fifth field from the end.
    return { name: cols[0].replace(/^[A-Z]{6}\+/, ''), embedded: cols.at(-5) === 'yes' };
  });
}

/** What an exported SVG draws where, measured in Chromium in the SVG's own units (its viewBox). */
export interface SvgLayout {
  width: number;
  height: number;
  texts: Box[];
  /** The legend's background box, when there is a legend. */
  legend: Box | null;
  /** Data marks: markers and bars as boxes, lines as points sampled along them. */
  marks: Box[];
  fontFamilies: string[];
}

/** Loads the SVG alone into the page and measures its text, legend and data marks. */
export async function svgLayout(page: Page, svg: string): Promise<SvgLayout> {
  await page.setContent(`<!doctype html><html><body style="margin:0">${svg.replace(/^\s*<\?xml[^>]*>/, '')}</body></html>`);
  await page.evaluate(() => document.fonts.ready);
  return page.evaluate(() => {
    const root = document.querySelector('svg')!;
    const [, , vw, vh] = (root.getAttribute('viewBox') ?? '').split(/\s+/).map(Number);
    const outer = root.getBoundingClientRect();
    const [sx, sy] = [vw / outer.width, vh / outer.height];
    const box = (el: Element, text = '') => {
      const r = el.getBoundingClientRect();
      return { text, x0: (r.left - outer.left) * sx, y0: (r.top - outer.top) * sy, x1: (r.right - outer.left) * sx, y1: (r.bottom - outer.top) * sy };
    };
    const texts = [...root.querySelectorAll('text')]
      .filter((t) => (t.textContent ?? '').trim() !== '' && t.getBoundingClientRect().width > 0)
      .map((t) => box(t, t.textContent!.trim()));
    const legendBg = root.querySelector('g.legend rect.bg');
    const marks = [...root.querySelectorAll('.scatterlayer path.point, .barlayer path')]
      .filter((p) => p.getBoundingClientRect().width > 0)
      .map((p) => box(p, 'mark'));
    for (const line of root.querySelectorAll<SVGPathElement>('.scatterlayer path.js-line')) {
      const length = line.getTotalLength();
      const m = line.getScreenCTM()!;
      for (let d = 0; d <= length; d += Math.max(1, length / 200)) {
        const p = line.getPointAtLength(d).matrixTransform(m);
        const [x, y] = [(p.x - outer.left) * sx, (p.y - outer.top) * sy];
        marks.push({ text: 'line', x0: x, y0: y, x1: x, y1: y });
      }
    }
    const fonts = new Set([...root.querySelectorAll('text')].map((t) => getComputedStyle(t).fontFamily));
    return { width: vw, height: vh, texts, legend: legendBg ? box(legendBg, 'legend') : null, marks, fontFamilies: [...fonts] };
  });
}

/** Data marks the legend's box covers (a mark is covered when its centre lies inside the box). */
export function marksUnderLegend(layout: SvgLayout): Box[] {
  const l = layout.legend;
  if (!l) return [];
  return layout.marks.filter((m) => {
    const [cx, cy] = [(m.x0 + m.x1) / 2, (m.y0 + m.y1) / 2];
    return cx > l.x0 && cx < l.x1 && cy > l.y0 && cy < l.y1;
  });
}
