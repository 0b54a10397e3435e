// The mix-cd headroom as an exported table, beside the comparison table in every format it exports to (a file of its own:
// the comparison's rows are experiments, these are variants measured against two other experiments).
import type { Metric } from '../config';
import { csvField, latexEscape, type TableFormat } from '../export-tables';
import { estimateText, shareText } from './format-estimate';
import type { TaskHeadroom } from './verdict-runs';

const DEFINITION =
  'headroom share = (A_pre(variant) − A_pre(random)) / (A_pre(oracle) − A_pre(random)) at the same rehearsal budget; A_tgt cost = A_tgt(variant) − A_tgt(random)';
const LATEX_DEFINITION =
  'Headroom share $= (A_\\mathrm{pre}(\\mathrm{variant}) - A_\\mathrm{pre}(\\mathrm{random})) / (A_\\mathrm{pre}(\\mathrm{oracle}) - A_\\mathrm{pre}(\\mathrm{random}))$ at the same rehearsal budget; $A_\\mathrm{tgt}$ cost $= A_\\mathrm{tgt}(\\mathrm{variant}) - A_\\mathrm{tgt}(\\mathrm{random})$';

const unitOf = (metric: Metric) => (metric === 'accuracy' ? 'accuracy in percentage points' : 'mean token loss in nats');

/** CSV for analysis: one row per variant and task, raw (unscaled) values with their 95% seed-bootstrap interval. */
export function headroomCsv(groups: readonly TaskHeadroom[]): string {
  const header = ['task', 'metric', 'variant', 'memory_batch', 'random', 'oracle', 'n_seeds'].concat(
    ...['headroom', 'share', 'target_cost'].map((k) => [k, `${k}_boot95_low`, `${k}_boot95_high`]),
    'share_undefined_fraction',
  );
  const lines = groups.flatMap((g) =>
    g.rows.map((r) => [
      g.task,
      g.metric,
      r.label,
      r.memoryBatch,
      r.random,
      r.oracle,
      r.seeds,
      ...[r.headroom, r.share, r.targetCost].flatMap((e) => [e?.value ?? null, e?.interval?.[0] ?? null, e?.interval?.[1] ?? null]),
      r.undefinedShare,
    ]),
  );
  return [header, ...lines].map((l) => l.map(csvField).join(',')).join('\n') + '\n';
}

/** The three measured cells of a row as read: oracle − random, the share, the A_tgt cost, each with its interval. */
function cells(row: TaskHeadroom['rows'][number], metric: Metric): string[] {
  return [estimateText(row.headroom, metric, true), shareText(row.share), estimateText(row.targetCost, metric, true)];
}

/** A `table*` across both columns of a two-column paper (intervals make it too wide for one): a row per variant, a heading row per task when there are several. */
export function headroomLatex(groups: readonly TaskHeadroom[]): string {
  const metrics = new Set(groups.map((g) => g.metric));
  const header = ['Variant', '$B_\\mathrm{mem}$', '$n$', '$A_\\mathrm{pre}$ oracle $-$ random', 'Headroom share', '$A_\\mathrm{tgt}$ cost'];
  const body = groups.flatMap((g) => [
    ...(groups.length > 1
      ? [`\\multicolumn{${header.length}}{@{}l}{\\emph{${latexEscape(g.task)}}${metrics.size > 1 ? ` (${unitOf(g.metric)})` : ''}} \\\\`]
      : []),
    ...g.rows.map(
      (r) =>
        `${[latexEscape(r.label), r.memoryBatch === null ? '--' : String(r.memoryBatch), String(r.seeds), ...cells(r, g.metric).map((c) => latexEscape(c).replace(/-(?=\d)/g, '$-$'))].join(' & ')} \\\\`,
    ),
  ]);
  const unit = metrics.size === 1 ? `; ${unitOf([...metrics][0])}` : '';
  return [
    '% Two columns wide. Needs \\usepackage{booktabs}.',
    '\\begin{table*}[t]',
    '\\centering',
    '\\small',
    `\\begin{tabular}{@{}lrrrrr@{}}`,
    '\\toprule',
    `${header.join(' & ')} \\\\`,
    '\\midrule',
    ...body,
    '\\bottomrule',
    '\\end{tabular}',
    `\\caption{How much of the mix-cd oracle's $A_\\mathrm{pre}$ headroom over random rehearsal each estimated variant captures. ${LATEX_DEFINITION}. Mean over the $n$ seeds all three ran [95\\% seed-bootstrap interval]${unit}.}`,
    '\\end{table*}',
    '',
  ].join('\n');
}

/** A Markdown table under a line that says what the numbers are; a task column when there are several tasks. */
export function headroomMarkdown(groups: readonly TaskHeadroom[]): string {
  const many = groups.length > 1;
  const metrics = new Set(groups.map((g) => g.metric));
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const header = [...(many ? ['Task'] : []), 'Variant', 'B_mem', 'n', 'oracle − random', 'headroom share', 'A_tgt cost'];
  const lines = groups.flatMap((g) =>
    g.rows.map((r) => [
      ...(many ? [escape(g.task)] : []),
      escape(r.label),
      r.memoryBatch === null ? '–' : String(r.memoryBatch),
      String(r.seeds),
      ...cells(r, g.metric),
    ]),
  );
  const align = header.map((_, i) => (i < (many ? 2 : 1) ? '---' : '--:'));
  const unit = metrics.size === 1 ? unitOf([...metrics][0]) : groups.map((g) => `${g.task}: ${unitOf(g.metric)}`).join('; ');
  const note = `Mix-cd headroom: ${DEFINITION}. Mean over the n seeds all three ran [95% seed-bootstrap interval]; ${unit}.`;
  return `${note}\n\n${[header, align, ...lines].map((l) => `| ${l.join(' | ')} |`).join('\n')}\n`;
}

/** The headroom table in one of the comparison's table formats (both LaTeX formats give the `table*`); null when no task has a headroom row. */
export function headroomTable(groups: readonly TaskHeadroom[], format: TableFormat): string | null {
  if (!groups.some((g) => g.rows.length)) return null;
  if (format === 'csv') return headroomCsv(groups);
  if (format === 'md') return headroomMarkdown(groups);
  return headroomLatex(groups);
}

/** Where the headroom table goes beside a comparison table's file: "comparison.tex" → "comparison-headroom.tex". */
export function headroomFileName(tableFile: string): string {
  const dot = tableFile.lastIndexOf('.');
  const slash = Math.max(tableFile.lastIndexOf('/'), tableFile.lastIndexOf('\\'));
  return dot > slash + 1 ? `${tableFile.slice(0, dot)}-headroom${tableFile.slice(dot)}` : `${tableFile}-headroom`;
}
