import { seedGroupKey } from '../../src-shared/aggregate';
import { runMetricsOf, type RunConfig, type RunMetrics, type StudyConfig } from '../../src-shared/config';
import { pointLabel } from '../../src-shared/study-grid';
import type { VerdictRun } from '../../src-shared/verdict/arms';
import { studyVerdict, type StudyVerdict } from '../../src-shared/verdict/study-verdict';
import { listEvaluations } from '../db/evaluations';
import { runsOfStudy } from '../db/runs';
import { getStudyRecord } from '../db/studies';
import type { Db } from '../db/types';
import { methodSettingLabel } from '../engine/methods/registry';

/** A fine-tuning run as tables name it: its method with the telling setting, and a sweep's point ("LoRA rank=4"). */
export function runLabel(config: RunConfig | null, methodId: string): string {
  const label = methodSettingLabel(config ? config.method : { id: methodId });
  return config?.sweep ? `${label} ${pointLabel(config.sweep.point)}` : label;
}

/**
 * The measured verdict of a stored study from its completed fine-tuning runs (docs/verdicts.md); null when the store
 * has no such study, it was launched from run configs, or none of its fine-tuning runs has completed yet.
 */
export function studyVerdictOf(db: Db, studyId: string): StudyVerdict | null {
  const launchedFrom = getStudyRecord(db, studyId)?.launchedFrom;
  if (!launchedFrom || Array.isArray(launchedFrom)) return null;
  const study = launchedFrom as StudyConfig;
  const runs: VerdictRun[] = [];
  let metrics: RunMetrics | null = null;
  for (const run of runsOfStudy(db, studyId)) {
    const config = run.config;
    if (run.status !== 'completed' || config?.kind !== 'finetune' || !run.headline) continue;
    metrics = runMetricsOf(config);
    runs.push({
      key: seedGroupKey(config),
      label: runLabel(config, run.methodId),
      method: { id: config.method.id, params: config.method.params, with: config.method.with },
      sweep: config.sweep ?? null,
      seed: run.seed,
      aPre: run.headline.aPre,
      aTgt: run.headline.aTgt,
      curve: listEvaluations(db, run.id)
        .filter((e) => e.phase !== 'sweep' && e.aTgt !== null)
        .map((e): [number, number] => [e.aTgt!, e.aPre]),
    });
  }
  return metrics ? studyVerdict(runs, study, metrics) : null;
}
