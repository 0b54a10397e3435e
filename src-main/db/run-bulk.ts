import { MAX_RUN_TAGS, type BulkAnnotation } from '../../src-shared/api';
import { ConflictError, NotFoundError, ValidationError } from '../../src-shared/validation';
import { annotationsOf, setNote, setTags } from './run-annotations';
import { deleteRun } from './run-control';
import { getRun, type RunRecord } from './runs';
import type { Db } from './types';

// What the Runs view does to many selected runs at once. Each is all or nothing: one refused run
// (unknown, queued or running) refuses the whole selection, naming the runs, and changes nothing.

function listed(ids: readonly string[]): string {
  return `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? `, … (${ids.length} in all)` : ''}`;
}

/** The stored runs with these ids; throws naming every unknown one. */
function requireRuns(db: Db, ids: readonly string[]): RunRecord[] {
  const runs = [...new Set(ids)].map((id) => [id, getRun(db, id)] as const);
  const missing = runs.filter(([, run]) => !run).map(([id]) => id);
  if (missing.length) throw new NotFoundError(`no run ${listed(missing)} in this store`);
  return runs.map(([, run]) => run!);
}

/** Throws when any of the runs is still queued or running: what would be deleted or hidden is still training. */
function refuseUnfinished(runs: readonly RunRecord[], doing: string): void {
  const active = runs.filter((r) => r.status === 'queued' || r.status === 'running');
  if (active.length)
    throw new ConflictError(
      `cannot ${doing} while ${active.length === 1 ? 'a run is' : `${active.length} runs are`} queued or running (${listed(active.map((r) => r.id))}): cancel ${active.length === 1 ? 'it' : 'them'} or wait until ${active.length === 1 ? 'it ends' : 'they end'}; nothing was changed`,
    );
}

/**
 * Deletes runs with everything stored for them (evaluations, predictions, weights, resume points,
 * logs, annotations), in one transaction. Fine-tuning runs go before pretraining runs so that a base
 * model's own runs selected with it do not hold it back.
 */
export function deleteRuns(db: Db, ids: readonly string[]): string[] {
  return db
    .transaction(() => {
      const runs = requireRuns(db, ids);
      refuseUnfinished(runs, 'delete the selected runs');
      const ordered = [...runs].sort((a, b) => Number(a.kind === 'pretrain') - Number(b.kind === 'pretrain'));
      for (const run of ordered) deleteRun(db, run.id);
      return ordered.map((r) => r.id);
    })
    .immediate();
}

/** Archives runs (hidden from the Runs view unless asked for, kept whole) or brings them back. */
export function archiveRuns(db: Db, ids: readonly string[], archived: boolean): RunRecord[] {
  return db
    .transaction(() => {
      const runs = requireRuns(db, ids);
      if (archived) refuseUnfinished(runs, 'archive the selected runs');
      const update = db.prepare(`UPDATE runs SET archived_at = ? WHERE id = ?`);
      for (const run of runs) update.run(archived ? new Date().toISOString() : null, run.id);
      return runs.map((r) => getRun(db, r.id)!);
    })
    .immediate();
}

/** Tags and notes many runs in one transaction; returns the runs as they are now. */
export function annotateRuns(db: Db, ids: readonly string[], change: BulkAnnotation): RunRecord[] {
  return db
    .transaction(() => {
      const runs = requireRuns(db, ids);
      const remove = new Set(change.removeTags ?? []);
      for (const run of runs) {
        if (change.addTags?.length || remove.size) {
          const tags = [...new Set([...annotationsOf(db, run.id).tags, ...(change.addTags ?? [])])].filter((t) => !remove.has(t));
          // Thrown inside the transaction: no run of the selection is tagged when one would hold too many.
          if (tags.length > MAX_RUN_TAGS)
            throw new ValidationError(`run ${run.id} would hold ${tags.length} tags, more than ${MAX_RUN_TAGS}: remove some first; nothing was changed`, [
              `addTags: run ${run.id} would hold ${tags.length} tags, more than ${MAX_RUN_TAGS}`,
            ]);
          setTags(db, run.id, tags);
        }
        if (change.note !== undefined) setNote(db, run.id, change.note);
      }
      return runs;
    })
    .immediate();
}
