import { scalarMetrics } from '../../src-shared/aggregate';
import { runMetricsOf } from '../../src-shared/config';
import { epochCurve } from '../../src-shared/search/eval-curve';
import { bestRun, judgeRungs, type HalvingRun } from '../../src-shared/search/successive-halving';
import { listEvaluations } from '../db/evaluations';
import { insertRun, runsOfStudy } from '../db/runs';
import type { Db } from '../db/types';
import { newId } from './ids';
import type { RunHost } from './run-host';
import type { SearchOutcome } from '../../src-shared/search/search-result';
import { searchOutcomeOf, searchRuns, searchStudyOf, stoppedAtOf, STOPPED_BY_SEARCH, type SearchRun, type SearchStudy } from './search-study';

/**
 * Drives the searches of the store's studies (docs/search.md) from the runs this process's host
 * trains: as a candidate's evaluations are stored it judges the candidate at each rung it reaches
 * and cancels those that cannot win; once every candidate of a method entry has ended it launches
 * the other seeds of the entry's best point. What it decides is in the store (a stopped run's
 * error, the seed runs), so the result is recomputed from the store (searchOutcomeOf).
 */
export class SearchDriver {
  /** Run id → rungs judged; a run is judged once per rung, when it gets there. */
  private readonly judged = new Map<string, number>();
  private readonly stopping = new Set<string>();
  /** Study id → its search (null: the study does not search), read once. */
  private readonly studies = new Map<string, SearchStudy | null>();
  /** Run id → status and evaluation count last seen: progress-only updates change nothing here. */
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly host: Pick<RunHost, 'cancel' | 'enqueue' | 'untilEnded' | 'owner'>,
  ) {}

  /**
   * Resolves once every run of a search study has ended, the seeds launched on the way included, with
   * its run ids and outcome; at once with null for a study that does not search.
   */
  async settle(studyId: string): Promise<{ runIds: string[]; outcome: SearchOutcome } | null> {
    if (!searchStudyOf(this.db, studyId)) return null;
    for (;;) {
      const ids = runsOfStudy(this.db, studyId).map((r) => r.id);
      await this.host.untilEnded(ids);
      // Runs end one by one: the driver launches seeds within the update of the last candidate's end.
      if (runsOfStudy(this.db, studyId).length === ids.length) return { runIds: ids, outcome: searchOutcomeOf(this.db, studyId)! };
    }
  }

  /** Reacts to an update of a run (the event bus's 'run-updated'). */
  onRunUpdated(run: { id: string; studyId: string | null; kind: string; status: string }): void {
    if (!run.studyId || run.kind !== 'finetune') return;
    let search = this.studies.get(run.studyId);
    if (search === undefined) {
      search = searchStudyOf(this.db, run.studyId);
      this.studies.set(run.studyId, search);
    }
    if (!search) return;
    const state = `${run.status} ${run.status === 'running' ? listEvaluations(this.db, run.id).length : ''}`;
    if (this.seen.get(run.id) === state) return;
    this.seen.set(run.id, state);
    const runs = searchRuns(this.db, run.studyId, search);
    this.halve(runs, search);
    this.launchSeeds(run.studyId, runs, search);
  }

  private halve(runs: SearchRun[], s: SearchStudy): void {
    const candidates: HalvingRun[] = runs
      .filter((r) => r.role === 'candidate' && r.record.status !== 'queued')
      .map((r) => ({
        id: r.record.id,
        group: r.group,
        epochs: r.config.budget.epochs,
        curve: epochCurve(listEvaluations(this.db, r.record.id), r.config.budget.evalsPerEpoch, runMetricsOf(r.config)),
        // Only this host's own runs: another process's run would stop without the search's reason, read as a user's cancel.
        running: r.record.status === 'running' && r.record.owner === this.host.owner && !this.stopping.has(r.record.id),
      }));
    for (const verdict of judgeRungs(candidates, s.rules, this.judged)) {
      this.judged.set(verdict.id, verdict.rung + 1);
      if (!verdict.stop) continue;
      this.stopping.add(verdict.id);
      this.host.cancel(verdict.id, `${STOPPED_BY_SEARCH}${verdict.epoch}: ${verdict.why}`);
    }
  }

  /** Launches the missing seeds of each method entry's best point once all its candidates have ended. */
  private launchSeeds(studyId: string, runs: SearchRun[], s: SearchStudy): void {
    if (s.seeds.length < 2) return;
    const groups = new Set(runs.map((r) => r.group));
    const launched: string[] = [];
    for (const group of groups) {
      const candidates = runs.filter((r) => r.group === group && r.role === 'candidate');
      if (candidates.some((r) => r.record.status === 'queued' || r.record.status === 'running')) continue;
      // A candidate cancelled by someone else than the search: the study was cancelled, nothing more is launched.
      if (candidates.some((r) => r.record.status === 'cancelled' && stoppedAtOf(r.record.error) === null)) continue;
      const completed = candidates
        .filter((r) => r.record.status === 'completed')
        .map((r) => ({ ...r, id: r.record.id, final: scalarMetrics(r.record.headline) }));
      const winner = bestRun(completed, s.rules);
      if (!winner) continue;
      const have = new Set(runs.filter((r) => r.pointKey === winner.pointKey).map((r) => r.record.seed));
      const missing = s.seeds.filter((seed) => !have.has(seed));
      if (!missing.length) continue;
      // Another process on the store may have launched them meanwhile: look again inside the write.
      this.db
        .transaction(() => {
          const stored = new Set(searchRuns(this.db, studyId, s).flatMap((r) => (r.pointKey === winner.pointKey ? [r.record.seed] : [])));
          for (const seed of missing) {
            if (stored.has(seed)) continue;
            const id = newId('run');
            insertRun(this.db, { id, studyId, baseModelId: winner.record.baseModelId, config: { ...winner.config, seed } });
            launched.push(id);
          }
        })
        .immediate();
    }
    if (launched.length) this.host.enqueue(launched);
  }
}
