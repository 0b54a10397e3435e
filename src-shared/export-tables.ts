import type { SeedStat } from './aggregate';
import type { ComparisonRow } from './compare-rows';
import { metricColumnsFor, metricDecimals, type MetricColumn } from './metric-columns';

/** Table formats a comparison exports to: `latex` is one column of a two-column paper wide, `latex-full` a `table*` with every metric. */
export const TABLE_FORMATS = ['csv', 'latex', 'latex-full', 'md'] as const;
/** One of TABLE_FORMATS. */
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** A metric of one experiment as printed: mean and std with the column's decimals, and whether it is the column's best. */
export interface MetricCell {
  mean: string;
  std: string | null;
  best: boolean;
}

/** One column of a comparison as printed; best is judged on the printed numbers, so rows that read the same are bold together. */
export function metricCells(rows: readonly ComparisonRow[], column: MetricColumn): (MetricCell | null)[] {
  const shown = rows.map((r) => {
    const s: SeedStat | undefined = r.metrics[column.key];
    if (!s) return null;
    const mean = s.mean * column.scale;
    const digits = metricDecimals(column, mean);
    return { value: Number(mean.toFixed(digits)), mean: mean.toFixed(digits), std: s.std === null ? null : (s.std * column.scale).toFixed(digits) };
  });
  const values = shown.flatMap((c) => (c ? [c.value] : []));
  const best = column.better === null || values.length < 2 ? null : column.better === 'higher' ? Math.max(...values) : Math.min(...values);
  return shown.map((c) => (c ? { mean: c.mean, std: c.std, best: best !== null && c.value === best } : null));
}

function unitSuffix(column: MetricColumn, latex: boolean): string {
  if (!column.unit) return '';
  return latex ? (column.unit === '%' ? ' (\\%)' : ' (pts)') : ` (${column.unit})`;
}

/** Escapes text for LaTeX (labels carry parameter names with _ and values with %). */
export function latexEscape(text: string): string {
  const map: Record<string, string> = {
    '\\': '\\textbackslash{}',
    '&': '\\&',
    '%': '\\%',
    $: '\\$',
    '#': '\\#',
    _: '\\_',
    '{': '\\{',
    '}': '\\}',
    '~': '\\textasciitilde{}',
    '^': '\\textasciicircum{}',
  };
  return text
    .replace(/[\\&%$#_{}~^]/g, (c) => map[c])
    .replace(/θ₀/g, '$\\theta_0$')
    .replace(/α/g, '$\\alpha$');
}

/** One CSV field: quoted where it holds a comma, quote or newline; null is empty. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV for analysis: one row per experiment, raw (unscaled) mean, std and 95% interval of every metric. */
export function tableCsv(rows: readonly ComparisonRow[], columns: readonly MetricColumn[] = metricColumnsFor(rows)): string {
  const header = [
    'experiment',
    'method',
    'n_seeds',
    'seeds',
    ...columns.flatMap((c) => [`${c.key}_mean`, `${c.key}_std`, `${c.key}_ci95_low`, `${c.key}_ci95_high`]),
  ];
  const lines = rows.map((r) => [
    r.label,
    r.methodId,
    r.runs.length,
    r.seeds.join(' '),
    ...columns.flatMap((c) => {
      const s = r.metrics[c.key];
      return s ? [s.mean, s.std, s.ci95?.[0] ?? null, s.ci95?.[1] ?? null] : [null, null, null, null];
    }),
  ]);
  return [header, ...lines].map((l) => l.map(csvField).join(',')).join('\n') + '\n';
}

// The one-column table (IEEE/ACM two-column templates: 3.25 in = 234 pt) set at \small in a 10 pt
// document: 9 pt text, 6 pt subscripts; 4 pt between columns instead of LaTeX's 6.
const COLUMN_PT = 234;
const SMALL_PT = 9;
const SCRIPT_PT = 6;
const COMPACT_COLSEP_PT = 4;
// A wrapped method column narrower than this holds too few letters a line to read.
const MIN_METHOD_PT = 40;
const COMPACT_KEYS = ['aPre', 'aTgt', 'retention', 'targetGain', 'cdAbs', 'retentionGen'];

/** Width of text in a Times-like serif at `fontPt`, in points; errs wide so that a table estimated to fit does. */
function widthPt(text: string, fontPt: number): number {
  let em = 0;
  for (const ch of text) {
    if (/[.,:; ]/.test(ch)) em += 0.25;
    else if (/[ijlt()[\]/\-fr]/.test(ch)) em += 0.34;
    else if (/[MW]/.test(ch)) em += 0.95;
    else if (/[A-Z±−=+mwα]/.test(ch)) em += 0.78;
    else em += 0.5;
  }
  return em * fontPt;
}

/** A printed number with a real minus sign. */
function latexNumber(text: string): string {
  return text.startsWith('-') ? `$-$${text.slice(1)}` : text;
}

/** A cell as mean with the std as a subscript, e.g. `\textbf{84.3}$_{\pm1.2}$`: narrower than `84.3 $\pm$ 1.2`. */
function latexCell(cell: MetricCell | null): string {
  if (!cell) return '--';
  const mean = cell.best ? `\\textbf{${latexNumber(cell.mean)}}` : latexNumber(cell.mean);
  return cell.std === null ? mean : `${mean}$_{\\pm${cell.std}}$`;
}

function cellWidthPt(cell: MetricCell | null): number {
  if (!cell) return widthPt('--', SMALL_PT);
  return widthPt(cell.mean.replace('-', '−'), SMALL_PT) + (cell.std === null ? 0 : widthPt(`±${cell.std}`, SCRIPT_PT));
}

/** A header as set: its LaTeX without markup, the subscript counted at full size (errs wide). */
function headerWidthPt(latex: string): number {
  return widthPt(latex.replace(/\\[a-zA-Z]+|[{}$_\\]/g, ''), SMALL_PT);
}

function tableFloat(env: 'table' | 'table*', note: string, colsep: number | null, spec: string, header: string[], body: string[], caption: string): string {
  return [
    note,
    `\\begin{${env}}[t]`,
    '\\centering',
    '\\small',
    ...(colsep === null ? [] : [`\\setlength{\\tabcolsep}{${colsep}pt}`]),
    `\\begin{tabular}{${spec}}`,
    '\\toprule',
    `${header.join(' & ')} \\\\`,
    '\\midrule',
    ...body,
    '\\bottomrule',
    '\\end{tabular}',
    `\\caption{${caption}}`,
    `\\end{${env}}`,
    '',
  ].join('\n');
}

/** "over 3 seeds" when every row has as many, else "over seeds". */
function overSeeds(rows: readonly ComparisonRow[]): string {
  const counts = new Set(rows.map((r) => r.runs.length));
  const [n] = counts;
  return counts.size === 1 ? `over ${n} seed${n === 1 ? '' : 's'}` : 'over seeds';
}

/**
 * The default LaTeX table, one column of a two-column paper wide: method, A_pre, A_tgt, retention,
 * gain and CD, each mean with its std over seeds as a subscript, the best of each column in bold
 * (booktabs, \small). The method column wraps where the labels would make the table wider than 3.25 in.
 */
export function tableLatex(rows: readonly ComparisonRow[]): string {
  const columns = metricColumnsFor(rows).filter((c) => COMPACT_KEYS.includes(c.key));
  const byColumn = columns.map((c) => metricCells(rows, c));
  const numbersPt = byColumn.reduce((sum, cells, j) => sum + Math.max(headerWidthPt(columns[j].latex), ...cells.map(cellWidthPt)), 0);
  // @{} drops the outer padding, so n columns have n − 1 gaps of two colseps.
  const roomPt = Math.floor(COLUMN_PT - numbersPt - 2 * COMPACT_COLSEP_PT * columns.length);
  const labelsPt = Math.max(widthPt('Method', SMALL_PT), ...rows.map((r) => widthPt(r.label, SMALL_PT)));
  const wraps = labelsPt > roomPt;
  const method = wraps ? `>{\\raggedright\\arraybackslash}p{${Math.max(roomPt, MIN_METHOD_PT)}pt}` : 'l';
  const units = (['%', 'pts'] as const)
    .map((unit) => [columns.filter((c) => c.unit === unit).map((c) => c.latex), unit === '%' ? '\\%' : 'points'] as const)
    .filter(([names]) => names.length)
    .map(([names, unit]) => `${names.join(', ')} in ${unit}`);
  return tableFloat(
    'table',
    `% One column wide. Needs \\usepackage{booktabs}${wraps ? ' and \\usepackage{array}' : ''}.`,
    COMPACT_COLSEP_PT,
    `@{}${method}${'r'.repeat(columns.length)}@{}`,
    ['Method', ...columns.map((c) => c.latex)],
    rows.map((r, i) => `${[latexEscape(r.label), ...byColumn.map((cells) => latexCell(cells[i]))].join(' & ')} \\\\`),
    `Mean$_{\\pm\\mathrm{std}}$ ${overSeeds(rows)}${units.length ? `; ${units.join('; ')}` : ''}. Best of each column in bold.`,
  );
}

/** Every metric in a `table*` across both columns of a two-column paper: seeds per row, mean with std as a subscript, the best of each column in bold. */
export function tableLatexFull(rows: readonly ComparisonRow[], columns: readonly MetricColumn[] = metricColumnsFor(rows)): string {
  const byColumn = columns.map((c) => metricCells(rows, c));
  return tableFloat(
    'table*',
    '% Two columns wide. Needs \\usepackage{booktabs}.',
    null,
    `@{}l${'r'.repeat(columns.length + 1)}@{}`,
    ['Method', '$n$', ...columns.map((c) => `${c.latex}${unitSuffix(c, true)}`)],
    rows.map((r, i) => `${[latexEscape(r.label), String(r.runs.length), ...byColumn.map((cells) => latexCell(cells[i]))].join(' & ')} \\\\`),
    `Forgetting and target gain, mean$_{\\pm\\mathrm{std}}$ ${overSeeds(rows)}. Best of each column in bold.`,
  );
}

/** A Markdown table: mean ± std across seeds, the best value of each column in bold. */
export function tableMarkdown(rows: readonly ComparisonRow[], columns: readonly MetricColumn[] = metricColumnsFor(rows)): string {
  const byColumn = columns.map((c) => metricCells(rows, c));
  const header = ['Method', 'n', ...columns.map((c) => `${c.label}${unitSuffix(c, false)}`)];
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const lines = rows.map((r, i) => [
    escape(r.label),
    String(r.runs.length),
    ...byColumn.map((col) => {
      const cell = col[i];
      if (!cell) return '–';
      const mean = cell.best ? `**${cell.mean}**` : cell.mean;
      return cell.std === null ? mean : `${mean} ± ${cell.std}`;
    }),
  ]);
  const align = ['---', '--:', ...columns.map(() => '--:')];
  return [header, align, ...lines].map((l) => `| ${l.join(' | ')} |`).join('\n') + '\n';
}

/** The comparison as a table in the given format. */
export function formatTable(rows: readonly ComparisonRow[], format: TableFormat): string {
  if (format === 'csv') return tableCsv(rows);
  if (format === 'latex') return tableLatex(rows);
  if (format === 'latex-full') return tableLatexFull(rows);
  return tableMarkdown(rows);
}
