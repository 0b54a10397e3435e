import { ConflictError, NotFoundError } from '../../src-shared/validation';
import { getBaseModel } from './base-models';
import { appendRunLog } from './run-logs';
import { resumeStepOf } from './resume-points';
import { getRun, type RunRecord } from './runs';
import type { Db } from './types';

// What a researcher does to runs that are not training: queue one again, or remove it. Both refuse,
// with the reason and what to do instead, whatever would lose or corrupt a stored run.

/** Why a run cannot be retried, or null when it can. */
function retryRefusal(db: Db, run: RunRecord): string | null {
  if (run.status === 'queued' || run.status === 'running') return `run ${run.id} is ${run.status}: only a failed or cancelled run is retried`;
  if (run.status === 'completed') return `run ${run.id} completed: a retry would only repeat it (launch its study again with --new for a fresh one)`;
  if (!run.config) return `run ${run.id} cannot run: ${run.error}`;
  if (run.kind === 'finetune' && run.baseModelId) {
    const base = getBaseModel(db, run.baseModelId);
    if (!base) return `run ${run.id}: its base model ${run.baseModelId} is no longer in the store`;
    if (base.status === 'failed') return `run ${run.id}: its base model ${base.id} failed to pretrain; retry its pretraining run ${base.pretrainRunId} first`;
  }
  return null;
}

/**
 * Queues a failed or cancelled run again; it resumes from its last resume point where it has one. A
 * pretraining run takes its base model back to 'pretraining'. Throws the reason when it cannot.
 */
export function retryRun(db: Db, id: string): RunRecord {
  return db
    .transaction(() => {
      const run = getRun(db, id);
      if (!run) throw new NotFoundError(`no run '${id}' in this store`);
      const refusal = retryRefusal(db, run);
      if (refusal) throw new ConflictError(refusal);
      db.prepare(`UPDATE runs SET status = 'queued', error = NULL, ended_at = NULL, owner = NULL, lease_until = NULL, cancel_requested = 0 WHERE id = ?`).run(
        id,
      );
      if (run.kind === 'pretrain' && run.baseModelId)
        db.prepare(`UPDATE base_models SET status = 'pretraining' WHERE id = ? AND status = 'failed'`).run(run.baseModelId);
      const step = resumeStepOf(db, id);
      appendRunLog(db, id, `queued again (retry): it ${step === null ? 'starts from the beginning' : `resumes from step ${step}`}`);
      return getRun(db, id)!;
    })
    .immediate();
}

/**
 * Deletes a run that is not queued or running, with everything stored for it (evaluations, weights,
 * resume point, logs, annotations). A pretraining run goes with its base model, which must have no
 * other runs. Throws the reason when it cannot.
 */
export function deleteRun(db: Db, id: string): void {
  db.transaction(() => {
    const run = getRun(db, id);
    if (!run) throw new NotFoundError(`no run '${id}' in this store`);
    if (run.status === 'queued' || run.status === 'running')
      throw new ConflictError(`run ${id} is ${run.status}: cancel it first (retainlab runs cancel ${id})`);
    const others =
      run.kind === 'pretrain' && run.baseModelId
        ? (db.prepare(`SELECT id FROM runs WHERE base_model_id = ? AND id != ?`).all(run.baseModelId, id) as { id: string }[])
        : [];
    if (others.length)
      throw new ConflictError(
        `run ${id} pretrained base model ${run.baseModelId}, which ${others.length} other run(s) start from (${others
          .slice(0, 3)
          .map((o) => o.id)
          .join(', ')}${others.length > 3 ? ', …' : ''}): delete those first`,
      );
    db.prepare(`DELETE FROM runs WHERE id = ?`).run(id);
    if (run.kind === 'pretrain' && run.baseModelId) db.prepare(`DELETE FROM base_models WHERE id = ?`).run(run.baseModelId);
    if (run.studyId) db.prepare(`DELETE FROM studies WHERE id = ? AND NOT EXISTS (SELECT 1 FROM runs WHERE study_id = ?)`).run(run.studyId, run.studyId);
  }).immediate();
}
