import type { ResumePoint } from '../../src-shared/checkpoint';
import { markBaseModelFailed } from './base-models';
import { getResumePoint } from './resume-points';
import { endRun, getRun, runsOfStudy, type RunRecord } from './runs';
import { nowIso, type Db } from './types';

// The store is the queue every process shares (app, browser mode, CLI). A host claims a run in one
// transaction and then owns it while its lease lasts; it renews the lease while the run trains. A run
// whose lease ran out belongs to a process that died: the next host to look takes it over and resumes
// it from its last resume point. Write transactions start IMMEDIATE so that two processes never both
// read "queued" and then both write "running".

/**
 * One claim of a run: the host that made it and the claim's number (the run's `attempts` then). Every
 * write checks both, so that an older claim of the same host (an engine it let go of, a laptop that
 * slept past its lease) can never write next to the current one.
 */
export interface Lease {
  runId: string;
  owner: string;
  attempt: number;
}

/** A run a host has just claimed: what to run, its lease, and where to continue from (null: from the start). */
export interface ClaimedRun {
  run: RunRecord;
  lease: Lease;
  resume: ResumePoint | null;
  /** The run was running under an owner whose lease ran out. */
  takenOver: boolean;
}

/** Whether the queue is paused: no process starts (or takes over) a run until it is resumed. */
export function isQueuePaused(db: Db): boolean {
  return (db.prepare(`SELECT paused FROM queue_state WHERE id = 1`).get() as { paused: number }).paused === 1;
}

/** Pauses or resumes the queue for every process on this store; runs already training go on. */
export function setQueuePaused(db: Db, paused: boolean): void {
  db.prepare(`UPDATE queue_state SET paused = ? WHERE id = 1`).run(paused ? 1 : 0);
}

// Fine-tunes wait while their base model is still pretraining; one whose base model failed is claimed
// and then failed by the host with the reason. A host never takes over its own runs (it still trains
// them, or has just let them go), nor a run it is still stopping (`busy`).
const CANDIDATE = `
  SELECT runs.id, runs.status FROM runs LEFT JOIN base_models b ON b.id = runs.base_model_id
  WHERE runs.id NOT IN (SELECT value FROM json_each(@busy))
    AND ((runs.status = 'running' AND runs.owner IS NOT @owner AND (runs.lease_until IS NULL OR runs.lease_until < @now))
      OR (runs.status = 'queued' AND (runs.kind = 'pretrain' OR b.id IS NULL OR b.status != 'pretraining')))
  ORDER BY runs.status = 'running' DESC, runs.rowid
  LIMIT 1`;

/** Ends, as cancelled, the runs another process was asked to cancel whose owner died before it could. */
function cancelAbandoned(db: Db, now: number): void {
  const abandoned = db
    .prepare(`SELECT id, kind, base_model_id FROM runs WHERE status = 'running' AND cancel_requested = 1 AND (lease_until IS NULL OR lease_until < ?)`)
    .all(now) as { id: string; kind: string; base_model_id: string | null }[];
  for (const { id, kind, base_model_id } of abandoned) {
    endRun(db, id, 'cancelled', 'cancelled while training; evaluations stored before are kept');
    if (kind === 'pretrain' && base_model_id) markBaseModelFailed(db, base_model_id);
  }
}

/**
 * Claims the next run for `owner`: an abandoned run (lease expired) first, then the oldest queued run
 * that can start, never one in `busy`. What the run stored after its resume point (all of it without
 * one) is dropped in the same transaction, so a resumed run never stores a point twice. Null when
 * nothing can start or the queue is paused.
 */
export function claimNextRun(db: Db, owner: string, leaseMs: number, now = Date.now(), busy: string[] = []): ClaimedRun | null {
  return db
    .transaction((): ClaimedRun | null => {
      cancelAbandoned(db, now);
      if (isQueuePaused(db)) return null;
      const candidate = db.prepare(CANDIDATE).get({ now, owner, busy: JSON.stringify(busy) }) as { id: string; status: string } | undefined;
      if (!candidate) return null;
      db.prepare(
        `UPDATE runs SET status = 'running', owner = ?, lease_until = ?, attempts = attempts + 1, started_at = COALESCE(started_at, ?) WHERE id = ?`,
      ).run(owner, now + leaseMs, nowIso(), candidate.id);
      const resume = getResumePoint(db, candidate.id);
      dropAfter(db, candidate.id, resume?.evalCount ?? null);
      const run = getRun(db, candidate.id)!;
      return { run, lease: { runId: run.id, owner, attempt: run.attempts }, resume, takenOver: candidate.status === 'running' };
    })
    .immediate();
}

/**
 * Drops what a run stored after the resume point it continues from (everything when it starts over,
 * `evalCount` null), so that a resumed run never stores a point twice. The base predictions are taken
 * before the first resume point, the final ones only at the end.
 */
export function dropAfter(db: Db, runId: string, evalCount: number | null): void {
  db.prepare(`DELETE FROM evaluations WHERE run_id = ? AND seq >= ?`).run(runId, evalCount ?? 0);
  db.prepare(`DELETE FROM run_predictions WHERE run_id = ? AND (phase = 'final' OR ?)`).run(runId, evalCount === null ? 1 : 0);
}

const HELD = `SELECT 1 FROM runs WHERE id = @runId AND status = 'running' AND owner = @owner AND attempts = @attempt`;

/**
 * Renews the leases a host holds. Returns the runs it still holds, each with whether another process
 * asked to cancel it; a run missing from the answer was taken over (this process stalled past its
 * lease) and must not be written to again.
 */
export function renewLeases(db: Db, leases: Lease[], leaseMs: number, now = Date.now()): Map<string, { cancelRequested: boolean }> {
  return db
    .transaction(() => {
      const renew = db.prepare(`UPDATE runs SET lease_until = @until WHERE id = @runId AND status = 'running' AND owner = @owner AND attempts = @attempt`);
      const cancel = db.prepare(`SELECT cancel_requested FROM runs WHERE id = ?`);
      const held = new Map<string, { cancelRequested: boolean }>();
      for (const lease of leases) {
        if (renew.run({ ...lease, until: now + leaseMs }).changes === 0) continue;
        held.set(lease.runId, { cancelRequested: (cancel.get(lease.runId) as { cancel_requested: number }).cancel_requested === 1 });
      }
      return held;
    })
    .immediate();
}

/**
 * Runs `write` only while the lease is current (the run running, claimed by this owner in this
 * attempt), in one transaction: every row a running run gets is written by its current claim alone.
 * Returns whether it was written.
 */
export function writeOwned(db: Db, lease: Lease, write: () => void): boolean {
  return db
    .transaction(() => {
      if (!db.prepare(HELD).get(lease)) return false;
      write();
      return true;
    })
    .immediate();
}

/** Hands a run back to the queue (its owner is shutting down or restarting it): the next claim resumes it from its last resume point. */
export function releaseRun(db: Db, lease: Lease): boolean {
  const result = db
    .prepare(
      `UPDATE runs SET status = 'queued', owner = NULL, lease_until = NULL WHERE id = @runId AND status = 'running' AND owner = @owner AND attempts = @attempt`,
    )
    .run(lease);
  return result.changes > 0;
}

/**
 * Cancels a run from any process: a queued one at once (with its base model, for a pretraining run),
 * as well as a running one whose owner died (lease expired); a live owner is asked, and stops the run
 * at its next lease renewal. Says which happened.
 */
export function cancelInStore(db: Db, runId: string, now = Date.now()): 'cancelled' | 'requested' | 'not active' {
  return db
    .transaction(() => {
      const run = getRun(db, runId);
      if (!run || (run.status !== 'queued' && run.status !== 'running')) return 'not active';
      const lease = db.prepare(`SELECT lease_until FROM runs WHERE id = ?`).get(runId) as { lease_until: number | null };
      if (run.status === 'running' && lease.lease_until !== null && lease.lease_until >= now) {
        db.prepare(`UPDATE runs SET cancel_requested = 1 WHERE id = ?`).run(runId);
        return 'requested';
      }
      endRun(db, runId, 'cancelled', run.status === 'queued' ? 'cancelled before it started' : 'cancelled while training; evaluations stored before are kept');
      if (run.kind === 'pretrain' && run.baseModelId) markBaseModelFailed(db, run.baseModelId);
      return 'cancelled';
    })
    .immediate();
}

/** Cancels every queued and running run of a study in one transaction (no host can claim one of them half-way). */
export function cancelStudyInStore(db: Db, studyId: string, now = Date.now()): Map<string, ReturnType<typeof cancelInStore>> {
  return db.transaction(() => new Map(runsOfStudy(db, studyId).map((run) => [run.id, cancelInStore(db, run.id, now)]))).immediate();
}
