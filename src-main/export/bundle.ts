import type { AppInfo, BundleFile, ExportedFigure, RunDetail } from '../../src-shared/api';
import { comparisonRows } from '../../src-shared/compare-rows';
import { tableCsv, tableLatex, tableLatexFull, tableMarkdown } from '../../src-shared/export-tables';
import { scalarMetrics } from '../../src-shared/aggregate';
import { generalityMetrics } from '../../src-shared/generality';
import { metricColumnsFor } from '../../src-shared/metric-columns';
import { taskGroups } from '../../src-shared/task-groups';
import { headroomTable } from '../../src-shared/verdict/headroom-tables';
import { headroomOfRuns } from '../../src-shared/verdict/verdict-runs';
import { writeZip, type ZipEntry } from './write-zip';

function runsCsv(runs: readonly RunDetail[]): string {
  const keys = metricColumnsFor([{ runs }]).map((c) => c.key);
  const header = ['run_id', 'study', 'method', 'method_label', 'seed', 'status', 'backend', ...keys].join(',');
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = runs.map((r) => {
    const h = { ...scalarMetrics(r.headline), ...generalityMetrics(r.headline) };
    return [r.id, quote(r.studyName), r.methodId, quote(r.methodLabel), r.seed, r.status, r.backend ?? '', ...keys.map((k) => h[k] ?? '')].join(',');
  });
  return [header, ...lines].join('\n') + '\n';
}

function readme(info: AppInfo, runs: readonly RunDetail[]): string {
  return `# RetainLab reproducibility bundle

Made by RetainLab ${info.version} on ${new Date().toISOString()} from ${runs.length} fine-tuning run(s).

## Re-run

    npx retainlab run runs.json

\`runs.json\` holds the run configs exactly as they were stored (also one per run in \`runs/<id>/config.json\`);
\`retainlab run\` launches them as they are. Each base model is pretrained first from the spec in those
configs, or reused when the store has one with that spec. Runs on library datasets or an imported model
name them by id: they re-run where the library holds them.

## Contents

- \`manifest.json\`: app version, backends and seeds, one entry per run.
- \`runs.json\`: every run's config, for \`retainlab run\`.
- \`runs/<id>/config.json\`: each run's full stored config; \`runs/<id>/evaluations.json\`: every evaluation point.
- \`metrics/runs.json\`, \`metrics/runs.csv\`: headline metrics per run.
- \`metrics/summary.{csv,md,tex}\`: per experiment (runs that differ only by seed), mean ± std and 95% t-interval;
  \`summary.tex\` is one column wide, \`summary-full.tex\` a \`table*\` with every metric.
- \`metrics/headroom.{csv,md,tex}\` (when the runs hold random rehearsal, the mix-cd oracle and estimated mix-cd variants at one
  rehearsal budget): each variant's share of the oracle's A_pre headroom over random rehearsal and its A_tgt cost, with 95%
  seed-bootstrap intervals.
- \`figures/\`: the figures as exported; with runs of several tasks (pretrain data → target), one set per task,
  \`<figure>-task-<n>.svg\` for the n-th task of \`manifest.json\`'s \`tasks\`.
`;
}

/** Builds the reproducibility bundle (.zip) of fine-tuning runs: configs, metrics, figures, versions, backends and seeds. */
export async function buildBundle(runs: readonly RunDetail[], figures: readonly ExportedFigure[], info: AppInfo): Promise<BundleFile> {
  const finetunes = runs.filter((r) => r.kind === 'finetune');
  if (!finetunes.length) throw new Error('a bundle needs at least one fine-tuning run');
  const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
  const rows = comparisonRows(finetunes);
  const headroom = headroomOfRuns(finetunes);
  const headroomFiles = (['csv', 'md', 'latex'] as const).flatMap((format) => {
    const text = headroomTable(headroom, format);
    return text ? [{ name: `metrics/headroom.${format === 'latex' ? 'tex' : format}`, data: Buffer.from(text, 'utf8') }] : [];
  });
  const manifest = {
    app: 'RetainLab',
    version: info.version,
    createdAt: new Date().toISOString(),
    node: typeof process !== 'undefined' ? process.versions.node : null,
    backends: [...new Set(finetunes.map((r) => r.backend).filter(Boolean))],
    seeds: [...new Set(finetunes.map((r) => r.seed))].sort((a, b) => a - b),
    runs: finetunes.map((r) => ({
      id: r.id,
      study: r.studyName,
      method: r.methodId,
      seed: r.seed,
      status: r.status,
      backend: r.backend,
      tags: r.tags,
      note: r.note,
    })),
    tasks: taskGroups(finetunes).map((g) => ({ key: g.key, label: g.label, runs: g.runs.map((r) => r.id) })),
    figures: figures.map((f) => `figures/${f.name}`),
  };
  const entries: ZipEntry[] = [
    { name: 'README.md', data: Buffer.from(readme(info, finetunes), 'utf8') },
    { name: 'manifest.json', data: json(manifest) },
    { name: 'runs.json', data: json(finetunes.map((r) => r.config)) },
    ...finetunes.flatMap((r) => [
      { name: `runs/${r.id}/config.json`, data: json(r.config) },
      { name: `runs/${r.id}/evaluations.json`, data: json(r.evaluations) },
    ]),
    { name: 'metrics/runs.json', data: json(finetunes.map(({ evaluations: _e, config: _c, progress: _p, ...summary }) => summary)) },
    { name: 'metrics/runs.csv', data: Buffer.from(runsCsv(finetunes), 'utf8') },
    { name: 'metrics/summary.csv', data: Buffer.from(tableCsv(rows), 'utf8') },
    { name: 'metrics/summary.md', data: Buffer.from(tableMarkdown(rows), 'utf8') },
    { name: 'metrics/summary.tex', data: Buffer.from(tableLatex(rows), 'utf8') },
    { name: 'metrics/summary-full.tex', data: Buffer.from(tableLatexFull(rows), 'utf8') },
    ...headroomFiles,
    ...figures.map((f) => ({ name: `figures/${f.name}`, data: Buffer.from(f.content, f.encoding) })),
  ];
  const zip = await writeZip(entries);
  const stamp = new Date().toISOString().slice(0, 10);
  return { fileName: `retainlab-bundle-${stamp}.zip`, base64: zip.toString('base64'), bytes: zip.length };
}
