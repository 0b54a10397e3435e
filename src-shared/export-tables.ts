import type { SeedStat } from './aggregate';
import type { ComparisonRow } from './compare-rows';
import { metricColumnsFor, metricDecimals, type MetricColumn } from './metric-columns';

/** Table formats a comparison exports to. */
export const TABLE_FORMATS = ['csv', 'latex', 'md'] as const;
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

function csvField(value: string | number | null): string {
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

/** A booktabs LaTeX table: mean ± std across seeds, the best value of each column in bold. */
export function tableLatex(
  rows: readonly ComparisonRow[],
  columns: readonly MetricColumn[] = metricColumnsFor(rows),
  caption = 'Forgetting and target gain, mean $\\pm$ std over seeds.',
): string {
  const byColumn = columns.map((c) => metricCells(rows, c));
  const header = ['Method', '$n$', ...columns.map((c) => `${c.latex}${unitSuffix(c, true)}`)].join(' & ');
  const body = rows.map((r, i) => {
    const values = byColumn.map((col) => {
      const cell = col[i];
      if (!cell) return '--';
      const mean = cell.best ? `\\textbf{${cell.mean}}` : cell.mean;
      return cell.std === null ? mean : `${mean} $\\pm$ ${cell.std}`;
    });
    return `${[latexEscape(r.label), String(r.runs.length), ...values].join(' & ')} \\\\`;
  });
  return [
    '% Needs \\usepackage{booktabs}.',
    '\\begin{table}[t]',
    '\\centering',
    '\\small',
    `\\begin{tabular}{l${'r'.repeat(columns.length + 1)}}`,
    '\\toprule',
    `${header} \\\\`,
    '\\midrule',
    ...body,
    '\\bottomrule',
    '\\end{tabular}',
    `\\caption{${caption}}`,
    '\\end{table}',
    '',
  ].join('\n');
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
  return tableMarkdown(rows);
}
