import { scalarMetrics } from '../../src-shared/aggregate';
import type { RunConfig, StudyConfig } from '../../src-shared/config';
import type { EvalPoint } from '../../src-shared/evaluation';
import { epochsTrained } from '../../src-shared/search/eval-curve';
import { searchGoal, searchSchema, type SearchConfig } from '../../src-shared/search/search-config';
import { finalSeeds, pointKeyOf, searchGroupOf } from '../../src-shared/search/search-plan';
import { searchOutcome, type SearchOutcome, type SearchRunFacts } from '../../src-shared/search/search-result';
import type { HalvingRules } from '../../src-shared/search/successive-halving';
import { firstValue } from '../../src-shared/sweep';
import { studyGrid } from '../../src-shared/study-grid';
import { listEvaluations } from '../db/evaluations';
import { runsOfStudy, type RunRecord } from '../db/runs';
import { getStudyRecord } from '../db/studies';
import type { Db } from '../db/types';
import { methodLabel } from '../engine/methods/registry';

/** A stored study that searches: its config, search block, ranking rules and the seeds chosen points run over. */
export interface SearchStudy {
  study: StudyConfig;
  search: SearchConfig;
  rules: HalvingRules;
  /** Final seeds; the first is the candidates' seed. */
  seeds: number[];
}

/** A fine-tuning run of a search study with where it stands in the search. */
export interface SearchRun {
  record: RunRecord;
  config: RunConfig;
  group: string;
  pointKey: string;
  role: 'candidate' | 'seed';
}

/** The error text of a run the search stopped starts so; the epoch follows. */
export const STOPPED_BY_SEARCH = 'stopped by search at epoch ';

/** The epoch the search stopped a run at, from its stored error; null when the search did not stop it. */
export function stoppedAtOf(error: string | null): number | null {
  if (!error?.startsWith(STOPPED_BY_SEARCH)) return null;
  const epoch = Number.parseInt(error.slice(STOPPED_BY_SEARCH.length), 10);
  return Number.isFinite(epoch) ? epoch : null;
}

/** The search of a stored study; null when the study is not in the store, was launched from run configs, or does not search. */
export function searchStudyOf(db: Db, studyId: string): SearchStudy | null {
  const launchedFrom = getStudyRecord(db, studyId)?.launchedFrom as { search?: unknown; budget?: { seeds?: number[] } } | null | undefined;
  if (!launchedFrom || Array.isArray(launchedFrom) || launchedFrom.search === undefined) return null;
  const parsed = searchSchema.safeParse(launchedFrom.search);
  if (!parsed.success) return null;
  const search = parsed.data;
  const { objective, constraints } = searchGoal(search);
  return {
    study: launchedFrom as StudyConfig,
    search,
    rules: { objective, constraints, eta: search.eta, minEpochs: search.minEpochs },
    seeds: finalSeeds(search, launchedFrom.budget?.seeds ?? [0]),
  };
}

/** The fine-tuning runs of a search study, each with its group, point and role (the candidates run on the first seed). */
export function searchRuns(db: Db, studyId: string, s: SearchStudy): SearchRun[] {
  return runsOfStudy(db, studyId).flatMap((record) => {
    const config = record.config;
    if (config?.kind !== 'finetune') return [];
    return [{ record, config, group: searchGroupOf(config), pointKey: pointKeyOf(config), role: config.seed === s.seeds[0] ? 'candidate' : 'seed' } as const];
  });
}

/** The epochs a run of this config trains in full (every task of a sequence). */
export function fullEpochs(config: RunConfig): number {
  return config.budget.epochs * (1 + (config.target.then?.length ?? config.target.thenDatasets?.length ?? 0));
}

/** What the result reads of one run: completed runs by their headline, the others by their stored evaluations. */
export function runFacts(run: SearchRun, evaluations: () => EvalPoint[]): SearchRunFacts {
  const { record, config } = run;
  const completed = record.status === 'completed';
  return {
    id: record.id,
    group: run.group,
    label: methodLabel(config.method),
    pointKey: run.pointKey,
    point: config.sweep?.point ?? {},
    seed: record.seed,
    role: run.role,
    status: record.status,
    stoppedAt: record.status === 'cancelled' ? stoppedAtOf(record.error) : null,
    epochsTrained: completed ? fullEpochs(config) : epochsTrained(evaluations(), config.budget.evalsPerEpoch),
    final: completed ? scalarMetrics(record.headline) : null,
  };
}

/** The grid the study would run without the search: its points and their epochs summed (before seeds). */
function fullGrid(study: StudyConfig): { points: number; epochs: number } {
  const fixedEpochs = firstValue(study.budget.epochs as number | { values: number[] });
  const tasks = 1 + (study.target.then?.length ?? study.target.thenDatasets?.length ?? 0);
  const points = studyGrid(study).flatMap((entry) => entry.points);
  return { points: points.length, epochs: tasks * points.reduce((sum, p) => sum + Number(p['budget.epochs'] ?? fixedEpochs), 0) };
}

/** The outcome of a search study, recomputed from the store; null when the study does not search. */
export function searchOutcomeOf(db: Db, studyId: string): SearchOutcome | null {
  const s = searchStudyOf(db, studyId);
  if (!s) return null;
  const facts = searchRuns(db, studyId, s).map((run) => runFacts(run, () => listEvaluations(db, run.record.id)));
  return searchOutcome(facts, s.rules, fullGrid(s.study), s.seeds.length);
}
