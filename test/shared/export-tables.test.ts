import { describe, expect, it } from 'vitest';
import { comparisonRows } from '../../src-shared/compare-rows';
import { formatTable, tableCsv, tableLatex, tableMarkdown } from '../../src-shared/export-tables';
import { headline, summary } from '../renderer/run-fixtures';

const LORA = { methodId: 'lora', methodLabel: 'LoRA' };

// A study as a paper reports it: vanilla, a LoRA rank sweep, WiSE-FT and L2-SP, three seeds each.
const runs = [
  ...[0, 1, 2].map((seed) => summary({ id: `v${seed}`, seed, headline: headline(0.62 + seed / 100, 0.97) })),
  ...[4, 8].flatMap((rank) =>
    [0, 1, 2].map((seed) => summary({ id: `l${rank}-${seed}`, seed, ...LORA, params: { rank }, headline: headline(0.85 - rank / 100, 0.9 + seed / 100) })),
  ),
  ...[0, 1, 2].map((seed) =>
    summary({
      id: `w${seed}`,
      seed,
      methodId: 'wiseft',
      methodLabel: 'WiSE-FT interpolation',
      params: { alphas: [0, 0.5, 1], reportAlpha: 0.5 },
      headline: headline(0.88, 0.93 - seed / 100),
    }),
  ),
  ...[0, 1, 2].map((seed) =>
    summary({ id: `s${seed}`, seed, methodId: 'l2-sp', methodLabel: 'L2-SP (L2 / L1 to pretrained)', params: { alpha: 0.1 }, headline: headline(0.9, 0.8) }),
  ),
];
const rows = comparisonRows(runs);

/** The cells of the tabular's body rows, split at `&`. */
function bodyCells(tex: string): string[][] {
  const body = tex.split('\\midrule\n')[1].split('\\bottomrule')[0];
  return body
    .trim()
    .split('\n')
    .map((line) => line.replace(/ \\\\$/, '').split(' & '));
}

// Advance widths of Times-Roman (Adobe's AFM, thousandths of an em; Times-Bold digits are as wide), for an
// estimate of the set table made independently of the exporter's own.
const LOWER = [444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444];
const UPPER = [722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611];
const TIMES: Record<string, number> = { '.': 250, ' ': 250, '(': 333, ')': 333, '-': 333, '=': 564, '±': 564, '−': 564, α: 640 };
for (const digit of '0123456789') TIMES[digit] = 500;
[...'abcdefghijklmnopqrstuvwxyz'].forEach((c, i) => (TIMES[c] = LOWER[i]));
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].forEach((c, i) => (TIMES[c] = UPPER[i]));

/** Width of a cell as set at \small (9 pt), its subscript at 6 pt; LaTeX markup is not counted. */
function cellPt(cell: string): number {
  const sub = /\$_\{(.*)\}\$/.exec(cell)?.[1] ?? '';
  const main = cell
    .replace(/\$_\{.*\}\$/, '')
    .replace(/\\textbf\{([^}]*)\}/g, '$1')
    .replace(/\$-\$/g, '−')
    .replace(/\$\\alpha\$/g, 'α');
  const em = (s: string) => [...s].reduce((n, ch) => n + (TIMES[ch] ?? 1000), 0) / 1000;
  return em(main) * 9 + em(sub.replace(/\\pm/g, '±')) * 6;
}

describe('LaTeX tables for a paper', () => {
  it('is one column wide by default: method, A_pre, A_tgt, retention, gain and CD in a `table` that fits 3.25 in at \\small', () => {
    const tex = tableLatex(rows);
    expect(tex).toContain('\\begin{table}[t]');
    expect(tex).not.toContain('table*');
    expect(tex).toContain('\\small');
    const header = tex.split('\\toprule\n')[1].split(' \\\\')[0].split(' & ');
    expect(header).toEqual(['Method', '$A_\\mathrm{pre}$', '$A_\\mathrm{tgt}$', '$R_\\mathrm{pre}$', '$G_\\mathrm{tgt}$', 'CD']);
    const cells = bodyCells(tex);
    expect(cells.every((row) => row.length === 6)).toBe(true);
    // The widest cell of each column plus the column gaps the table sets; a wrapping method column counts at its set width.
    const colsep = Number(/\\tabcolsep\}\{(\d+)pt\}/.exec(tex)![1]);
    const methodWidth = /p\{(\d+)pt\}/.exec(tex);
    const widths = header.map((_, j) => Math.max(...cells.map((row) => cellPt(row[j]))));
    if (methodWidth) widths[0] = Number(methodWidth[1]);
    const total = widths.reduce((a, b) => a + b, 0) + 2 * colsep * (header.length - 1);
    expect(total).toBeLessThanOrEqual(3.25 * 72);
  });

  it('names the setting of each row of a method with several (LoRA rank) and the α a WiSE-FT row reports', () => {
    const labels = bodyCells(tableLatex(rows)).map((row) => row[0]);
    expect(labels).toEqual(['Vanilla fine-tuning', 'LoRA (r=4)', 'LoRA (r=8)', 'WiSE-FT interpolation ($\\alpha$=0.5)', 'L2-SP']);
  });

  it('gives mean with std over seeds and bolds the best of each column', () => {
    const cells = bodyCells(tableLatex(rows));
    // Vanilla's A_pre over seeds 62, 63, 64 %: mean 63.0, std 1.0.
    expect(cells[0][1]).toBe('63.0$_{\\pm1.0}$');
    // L2-SP keeps the most (90 %), vanilla gains the most (97 − 10 = 87 points).
    expect(cells[4][1]).toBe('\\textbf{90.0}$_{\\pm0.0}$');
    expect(cells[0][4]).toMatch(/^\\textbf\{87\.0\}/);
    expect(tableLatex(rows)).toMatch(/\\caption\{Mean\$_\{\\pm\\mathrm\{std\}\}\$ over 3 seeds/);
  });

  it('offers the full set of metrics as a two-column `table*`', () => {
    const tex = formatTable(rows, 'latex-full');
    expect(tex).toContain('\\begin{table*}[t]');
    expect(tex).toContain('\\end{table*}');
    const header = tex.split('\\toprule\n')[1].split(' \\\\')[0].split(' & ');
    expect(header).toHaveLength(2 + 9);
    expect(header).toContain('CD$_\\mathrm{cond}$ (\\%)');
    expect(bodyCells(tex).map((row) => row[0])).toContain('LoRA (r=8)');
  });

  it('keeps Markdown and CSV working with the same row labels', () => {
    expect(tableMarkdown(rows).split('\n')[3]).toMatch(/^\| LoRA \(r=4\) \| 3 \| /);
    const csv = tableCsv(rows).split('\n');
    expect(csv[0].startsWith('experiment,method,n_seeds,seeds,aPre_mean')).toBe(true);
    expect(csv[4]).toMatch(/^WiSE-FT interpolation \(α=0\.5\),wiseft,3,0 1 2,0\.88,/);
  });
});
