import type { LaunchResult } from '../../src-shared/api';
import type { Metric } from '../../src-shared/config';
import type { ApiService } from '../services/api-service';

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
      seed: r.seed,
      status: r.status,
      error: r.error,
      trainedHere: here.has(r.id),
      backend: r.backend,
      metric: r.metric,
      headline: r.headline,
      ...(r.kind === 'pretrain' ? { aPre: r.evaluations.filter((e) => e.phase === 'final').at(-1)?.aPre ?? null } : {}),
      sweep: r.evaluations
        .filter((e) => e.phase === 'sweep')
        .map((e) => ({ alpha: e.alpha, aPre: e.aPre, aTgt: e.aTgt, cdAbs: e.cdAbs, weightDistance: e.weightDistance })),
    })),
  };
}

/** A metric value for the terminal: accuracy in percent, a loss in nats. */
export function formatMetric(v: number | null | undefined, metric: Metric | null): string {
  if (v === null || v === undefined || metric === null) return '-';
  return metric === 'accuracy' ? (v * 100).toFixed(1) : v.toFixed(3);
}

/** A plain-text table of a study's headline numbers for the terminal. */
export function reportTable(report: Awaited<ReturnType<typeof studyReport>>): string {
  const pct = (v: number | null | undefined) => formatMetric(v, 'accuracy');
  const lines = ['run           method    seed status     A_pre0 A_pre  A_tgt0 A_tgt  forget  CD%   |θ−θ₀|'];
  for (const r of report.runs) {
    const h = r.headline;
    const m = (v: number | null | undefined) => formatMetric(v, r.metric);
    lines.push(
      [
        r.id.padEnd(13),
        r.method.padEnd(9),
        String(r.seed).padStart(4),
        r.status.padEnd(10),
        m(h?.aPreBase).padStart(6),
        m(h?.aPre ?? r.aPre).padStart(6),
        m(h?.aTgtBase).padStart(6),
        m(h?.aTgt).padStart(6),
        m(h?.forgetting).padStart(7),
        pct(h?.cdAbs).padStart(5),
        (h ? h.weightDistance.toFixed(2) : '-').padStart(7),
      ].join(' '),
    );
    for (const s of r.sweep) lines.push(`   α=${s.alpha?.toFixed(2)}  A_pre ${m(s.aPre)}  A_tgt ${m(s.aTgt)}`);
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
  if (report.runs.some((r) => r.metric === 'loss')) {
    lines.push(
      'language-model runs: A_pre/A_tgt are mean token losses in nats (lower is better); forget = L_pre(θ_ft) − L_pre(θ₀); CD% = pretrain sequences whose loss rose by more than the threshold',
    );
  }
  return lines.join('\n');
}
