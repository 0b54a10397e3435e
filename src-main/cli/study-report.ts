import type { LaunchResult } from '../../src-shared/api';
import type { Metric } from '../../src-shared/config';
import { runLabel } from '../services/study-verdict';
import type { ApiService } from '../services/api-service';
import type { SearchOutcome } from '../../src-shared/search/search-result';
import type { SeedStat } from '../../src-shared/aggregate';
import { textTable, type ColumnAlign } from './text-table';
import { pointLabel } from '../../src-shared/study-grid';

/**
 * The final per-run metrics of a study, as `--json` prints them; `metric` says whether A_pre/A_tgt are accuracies or mean token losses (nats).
 * `host` names this process as the store's `owner` column does; `trainedHere` marks the runs it trained (others were trained by another process on the store); `alsoTrainedHere` lists the runs
 * of other studies it trained meanwhile.
 */
export async function studyReport(api: ApiService, launch: LaunchResult, executed: string[], host: string) {
  const runs = await Promise.all(launch.runIds.map((id) => api.getRun(id)));
  const here = new Set(executed);
  const others = await Promise.all(executed.filter((id) => !launch.runIds.includes(id)).map((id) => api.getRun(id)));
  return {
    host,
    alsoTrainedHere: others.map((r) => ({
      id: r.id,
      studyId: r.studyId,
      studyName: r.studyName,
      method: r.methodLabel,
      seed: r.seed,
      status: r.status,
      error: r.error,
    })),
    studyId: launch.studyId,
    baseModelId: launch.baseModelId,
    pretrainedNow: launch.pretrainRunId !== null,
    runs: runs.map((r) => ({
      id: r.id,
      kind: r.kind,
      method: r.methodId,
      // The method as the results table names it: combined methods and the telling setting included ("LoRA (full rank)", "mix-cd rehearsal (oracle)").
      label: r.kind === 'pretrain' ? 'pretraining' : runLabel(r.config?.kind === 'finetune' ? r.config : null, r.methodId),
      // The run's point of its study's sweep (run-config path → value), null outside a sweep.
      point: r.config?.kind === 'finetune' ? (r.config.sweep?.point ?? null) : null,
      seed: r.seed,
      status: r.status,
      error: r.error,
      trainedHere: here.has(r.id),
      backend: r.backend,
      metric: r.metric,
      targetMetric: r.targetMetric,
      headline: r.headline,
      ...(r.kind === 'pretrain' ? { aPre: r.evaluations.filter((e) => e.phase === 'final').at(-1)?.aPre ?? null } : {}),
      sweep: r.evaluations
        .filter((e) => e.phase === 'sweep')
        .map((e) => ({ alpha: e.alpha, aPre: e.aPre, aTgt: e.aTgt, cdAbs: e.cdAbs, weightDistance: e.weightDistance })),
    })),
  };
}

/** What `retainlab run` reports of a study. */
export type StudyReport = Awaited<ReturnType<typeof studyReport>>;

/** A metric value for the terminal: accuracy in percent, a loss in nats. */
export function formatMetric(v: number | null | undefined, metric: Metric | null): string {
  if (v === null || v === undefined || metric === null) return '-';
  return metric === 'accuracy' ? (v * 100).toFixed(1) : v.toFixed(3);
}

// Words to the left, numbers to the right, each column as wide as its widest cell (textTable).
const REPORT_COLUMNS = ['run', 'method', 'seed', 'status', 'A_pre0', 'A_pre', 'A_tgt0', 'A_tgt', 'forget', 'CD%', '|θ−θ₀|'];
const REPORT_ALIGN: ColumnAlign[] = ['left', 'left', 'right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'];

/** A plain-text table of a study's headline numbers for the terminal. */
export function reportTable(report: StudyReport): string {
  const pct = (v: number | null | undefined) => formatMetric(v, 'accuracy');
  const cells = report.runs.map((r) => {
    const h = r.headline;
    const m = (v: number | null | undefined) => formatMetric(v, r.metric);
    const t = (v: number | null | undefined) => formatMetric(v, r.targetMetric);
    return [
      r.id,
      r.label,
      String(r.seed),
      r.status,
      m(h?.aPreBase),
      m(h?.aPre ?? r.aPre),
      t(h?.aTgtBase),
      t(h?.aTgt),
      m(h?.forgetting),
      pct(h?.cdAbs),
      h ? h.weightDistance.toFixed(2) : '-',
    ];
  });
  const [header, ...rows] = textTable(REPORT_COLUMNS, cells, REPORT_ALIGN);
  const lines = [header];
  for (const [i, r] of report.runs.entries()) {
    const h = r.headline;
    const m = (v: number | null | undefined) => formatMetric(v, r.metric);
    lines.push(rows[i]);
    for (const s of r.sweep) lines.push(`   α=${s.alpha?.toFixed(2)}  A_pre ${m(s.aPre)}  A_tgt ${formatMetric(s.aTgt, r.targetMetric)}`);
    if (h?.generality) {
      const sets = h.generality.map((g) => `${g.label} ${m(g.base)}→${m(g.final)} (R ${pct(g.retention)}%)`);
      lines.push(`   generality: ${sets.join(', ')}; mean R ${pct(h.retentionGen)}%`);
    }
    const seq = h?.sequence;
    if (seq) {
      lines.push(`   R[i][j] (row: after stage i, column: task j = ${seq.tasks.join(', ')})`);
      for (const row of seq.matrix) lines.push(`     ${row.map((v) => m(v).padStart(6)).join(' ')}`);
      lines.push(`   forgetting (Avalanche) ${m(seq.avalancheMean)}, (Chaudhry) ${m(seq.chaudhryMean)}, BWT ${m(seq.bwt)}`);
    }
  }
  const elsewhere = report.runs.filter((r) => !r.trainedHere).length;
  if (elsewhere) lines.push(`${elsewhere} of these runs were trained by another process on this store (or earlier)`);
  for (const r of report.alsoTrainedHere)
    lines.push(`also trained here: ${r.id} of study ${r.studyName || r.studyId} (${r.method}, seed ${r.seed}): ${r.status}${r.error ? `: ${r.error}` : ''}`);
  if (report.runs.some((r) => r.metric === 'loss' && r.targetMetric === 'loss')) {
    lines.push(
      'language-model runs: A_pre/A_tgt are mean token losses in nats (lower is better); forget = L_pre(θ_ft) − L_pre(θ₀); CD% = pretrain sequences whose loss rose by more than the threshold',
    );
  }
  if (report.runs.some((r) => r.metric === 'loss' && r.targetMetric === 'accuracy'))
    lines.push(
      'a language model fine-tuned into a classifier: A_pre is its mean token loss in nats (forget and CD% as above), A_tgt its classification accuracy in %',
    );
  return lines.join('\n');
}

/** A search's point for the terminal: `rank=4, learningRate=0.001`, or the one setting of a method entry that sweeps nothing. */
function formatPoint(point: Record<string, unknown>): string {
  return Object.keys(point).length ? pointLabel(point) : 'its one setting';
}

const stat = (s: SeedStat | undefined) => (s ? `${s.mean.toPrecision(3)}${s.std === null ? '' : ` ± ${s.std.toPrecision(2)}`}` : '-');

/** A search's outcome for the terminal: the chosen setting of each method with its seeds' mean ± std, the frontier and the spend. */
export function searchTable(outcome: SearchOutcome): string {
  const metric = outcome.objective.split(' ')[1];
  const shown = [...new Set([metric, 'retention', 'targetGain', ...outcome.constraints.map((c) => c.split(' ')[0])])];
  const lines = [`search: ${outcome.objective}${outcome.constraints.length ? ` subject to ${outcome.constraints.join(' and ')}` : ''}`];
  for (const m of outcome.methods) {
    const tried = `${m.candidates} candidate(s), ${m.stopped} stopped by the search`;
    const c = m.chosen;
    if (!c) {
      lines.push(`  ${m.label}: nothing chosen: ${m.note} (${tried})`);
      continue;
    }
    const numbers = shown.map((k) => `${k} ${stat(c.metrics[k])}`).join(', ');
    const holds = c.meetsConstraintsOnMean ? '' : "; the seeds' mean breaks the constraints";
    lines.push(`  ${m.label}: ${formatPoint(c.point)}; seeds ${c.seeds.join(', ')}: ${numbers}${holds} (${tried})`);
  }
  lines.push('frontier (target gain vs retention, no run better on both):');
  for (const f of outcome.frontier)
    lines.push(`  ${f.label} ${formatPoint(f.point)}: targetGain ${f.targetGain.toPrecision(3)}, retention ${f.retention.toPrecision(3)}`);
  const { spend } = outcome;
  const share = spend.fullGrid.epochs > 0 ? ` (${Math.round((100 * spend.epochs) / spend.fullGrid.epochs)}% of its epochs)` : '';
  lines.push(
    `spent ${spend.runs} runs (${spend.stoppedRuns} stopped early), ${spend.epochs.toFixed(1)} epochs; the full grid over every seed: ${spend.fullGrid.runs} runs, ${spend.fullGrid.epochs} epochs${share}`,
  );
  return lines.join('\n');
}
