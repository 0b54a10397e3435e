import type { LaunchResult } from '../../src-shared/api';
import type { ApiService } from '../services/api-service';

/** The final per-run metrics of a study, as `--json` prints them. */
export async function studyReport(api: ApiService, launch: LaunchResult) {
  const runs = await Promise.all(launch.runIds.map((id) => api.getRun(id)));
  return {
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
      backend: r.backend,
      headline: r.headline,
      ...(r.kind === 'pretrain' ? { aPre: r.evaluations.filter((e) => e.phase === 'final').at(-1)?.aPre ?? null } : {}),
      sweep: r.evaluations.filter((e) => e.phase === 'sweep').map((e) => ({ alpha: e.alpha, aPre: e.aPre, aTgt: e.aTgt, cdAbs: e.cdAbs, weightDistance: e.weightDistance })),
    })),
  };
}

/** A plain-text table of a study's headline numbers for the terminal. */
export function reportTable(report: Awaited<ReturnType<typeof studyReport>>): string {
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : (v * 100).toFixed(1));
  const lines = ['run           method    seed status     A_pre0 A_pre  A_tgt0 A_tgt  forget  CD%   |θ−θ₀|'];
  for (const r of report.runs) {
    const h = r.headline;
    lines.push(
      [r.id.padEnd(13), r.method.padEnd(9), String(r.seed).padStart(4), r.status.padEnd(10), pct(h?.aPreBase).padStart(6), pct(h?.aPre ?? r.aPre).padStart(6),
        pct(h?.aTgtBase).padStart(6), pct(h?.aTgt).padStart(6), pct(h?.forgetting).padStart(7), pct(h?.cdAbs).padStart(5), (h ? h.weightDistance.toFixed(2) : '-').padStart(7)].join(' '),
    );
    for (const s of r.sweep) lines.push(`   α=${s.alpha?.toFixed(2)}  A_pre ${pct(s.aPre)}  A_tgt ${pct(s.aTgt)}`);
  }
  return lines.join('\n');
}
