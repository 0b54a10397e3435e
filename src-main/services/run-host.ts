import { availableParallelism, hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { RunProgress } from '../../src-shared/api';
import type { BaseModelSpec } from '../../src-shared/config';
import type { Checkpoint, CheckpointEvery } from '../../src-shared/checkpoint';
import type { EvalPoint } from '../../src-shared/evaluation';
import { getBaseModel, markBaseModelFailed, markBaseModelReady } from '../db/base-models';
import { getCheckpoint, insertCheckpoint } from '../db/checkpoints';
import { getImportedModel } from '../db/imported-models';
import { insertEvaluations } from '../db/evaluations';
import { cancelInStore, cancelStudyInStore, claimNextRun, dropAfter, releaseRun, renewLeases, writeOwned, type ClaimedRun, type Lease } from '../db/queue';
import { deleteResumePoint, saveResumePoint } from '../db/resume-points';
import { appendRunLog } from '../db/run-logs';
import { setRunPredictions } from '../db/run-predictions';
import { countUnfinished, endRun, setRunBackend, setRunHeadline, type RunRecord } from '../db/runs';
import type { Db } from '../db/types';
import type { EngineJob, EngineMessage } from '../engine/protocol';
import type { EngineHandle, EngineLauncher } from './engine-launcher';
import { explainEngineExit } from './engine-exit';

/** How a host shares the store's queue with other processes. */
export interface RunHostOptions {
  /** Runs trained at once, one engine process each (each engine uses one core). Default: the machine's cores. */
  parallel?: number;
  /** How long a claimed run stays this host's without a renewal; a host that died loses its runs after it. */
  leaseMs?: number;
  /** How often the host looks for runs other processes queued or abandoned. */
  pollMs?: number;
  /** How often engines save a resume point. */
  checkpointEvery?: CheckpointEvery;
  /** How many times a run whose engine process died is resumed by this host before it is failed. */
  retries?: number;
}

/** The defaults: a run loses at most about a minute of work, and a dead host's runs wait half a minute. */
export const RUN_HOST_DEFAULTS = { leaseMs: 30_000, pollMs: 1_000, checkpointEvery: { seconds: 60 }, retries: 2 } as const;

interface Slot {
  run: RunRecord;
  /** This host's claim of the run: every write is checked against it. */
  lease: Lease;
  handle: EngineHandle;
  /** Why the host stopped caring about the engine's messages: it ended the run, gave it back, or lost it. */
  state: 'training' | 'cancelling' | 'ended' | 'released' | 'lost';
  lastFinal: EvalPoint | null;
  /** The final weights, stored with the result in one transaction. */
  final: { step: number; checkpoint: Checkpoint; paramCount: number } | null;
  resumeStep: number | null;
  /** Why it is being cancelled, when not by the user (the search stopping it); stored as the run's error. */
  cancelReason?: string;
}

/**
 * Trains the store's queued runs, up to `parallel` at once, each in an engine process of its own (kept for the next run), and
 * persists what the engines stream. Several hosts (the app, browser mode, CLIs) may share one store:
 * each claims runs from the store's queue (db/queue.ts) and alone writes the rows of the runs it owns,
 * renewing their leases while they train. A run whose engine dies is resumed from its last resume
 * point; a host that stops hands its runs back to the queue.
 */
export class RunHost {
  /** This process's name in the store's `owner` column. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly slots = new Map<string, Slot>();
  private readonly progress = new Map<string, RunProgress>();
  private readonly crashes = new Map<string, number>();
  private readonly executed: string[] = [];
  private readonly options: Required<RunHostOptions>;
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private claiming = true;
  private lastRenewal = Date.now();
  private idleWaiters: (() => void)[] = [];
  private endWaiters: { runIds: string[]; resolve: () => void }[] = [];

  constructor(
    private readonly db: Db,
    private readonly launch: EngineLauncher,
    private readonly publish: (runId: string) => void,
    options: RunHostOptions = {},
  ) {
    this.options = { parallel: availableParallelism(), ...RUN_HOST_DEFAULTS, ...options };
    this.timers.push(setInterval(() => this.renew(), Math.max(50, this.options.leaseMs / 3)));
    this.timers.push(setInterval(() => this.pump(), this.options.pollMs));
    this.pump();
  }

  /** Runs trained at once by this host. */
  get parallel(): number {
    return this.options.parallel;
  }

  /** Changes how many runs train at once; running ones are never stopped for it. */
  setParallel(n: number): void {
    this.options.parallel = n;
    this.pump();
  }

  /** Live progress of a run this host trains. */
  progressOf(runId: string): RunProgress | null {
    return this.progress.get(runId) ?? null;
  }

  /** The runs this host trained to an end (completed, failed or cancelled), in the order they ended. */
  executedRuns(): string[] {
    return [...this.executed];
  }

  /** Looks for work at once (the runs are already stored as 'queued'). */
  enqueue(_runIds: string[]): void {
    this.pump();
  }

  /**
   * Cancels a run: a queued one at once, one this host trains by killing its engine, one another
   * process trains by asking its owner (it stops at its next lease renewal). `reason` replaces the
   * stored error of a run this host trains.
   */
  cancel(runId: string, reason?: string): void {
    const slot = this.slots.get(runId);
    if (slot && (slot.state === 'training' || slot.state === 'cancelling')) {
      slot.state = 'cancelling';
      slot.cancelReason ??= reason;
      slot.handle.kill();
      return;
    }
    if (cancelInStore(this.db, runId) === 'cancelled') this.publish(runId);
  }

  /** Cancels every queued and running run of a study: this host's own by killing their engines, the rest in the store in one transaction. */
  cancelStudy(studyId: string): void {
    for (const slot of this.slots.values()) if (slot.run.studyId === studyId) this.cancel(slot.run.id);
    for (const [runId, outcome] of cancelStudyInStore(this.db, studyId)) if (outcome === 'cancelled') this.publish(runId);
  }

  /** Resolves when this host trains nothing and the store holds nothing it could start. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.pump();
    });
  }

  /** Resolves once every one of these runs has ended, whichever process trained it (checked at every poll). */
  untilEnded(runIds: string[]): Promise<void> {
    return new Promise((resolve) => {
      this.endWaiters.push({ runIds, resolve });
      this.pump();
    });
  }

  /** Stops claiming runs; resolves once the runs this host trains have ended. */
  drain(): Promise<void> {
    this.claiming = false;
    return this.whenIdle();
  }

  /** Stops (host shutdown): kills the engines and hands their runs back to the queue, to be resumed by the next host. */
  shutdown(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timers.forEach(clearInterval);
    for (const slot of this.slots.values()) {
      try {
        if (slot.state === 'training') releaseRun(this.db, slot.lease);
        else if (slot.state === 'cancelling')
          this.owned(slot, () => this.endOwned(slot.run, 'cancelled', slot.cancelReason ?? 'cancelled while training; evaluations stored before are kept'));
        this.publish(slot.run.id);
      } catch (err) {
        // The store is busy: the run's lease runs out instead, and the next host takes it over.
        process.stderr.write(`run host: could not hand run ${slot.run.id} back: ${(err as Error).message}\n`);
      }
      slot.state = 'released';
      slot.handle.kill();
    }
  }

  private pump(): void {
    if (this.stopped) return;
    // After a stall (a laptop asleep) the leases are renewed, or found lost, before anything is claimed.
    if (Date.now() - this.lastRenewal > this.options.leaseMs / 2) this.renew();
    let claimed: ClaimedRun | null = null;
    while (this.claiming && this.slots.size < this.options.parallel) {
      try {
        claimed = claimNextRun(this.db, this.owner, this.options.leaseMs, Date.now(), [...this.slots.keys()]);
      } catch (err) {
        // Another process holds the store's write lock past the busy timeout: try again at the next poll.
        process.stderr.write(`run host: could not claim a run: ${(err as Error).message}\n`);
        return;
      }
      if (!claimed) break;
      this.start(claimed);
    }
    if (this.slots.size === 0 && (!claimed || !this.claiming)) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
    if (this.endWaiters.length) {
      const [done, waiting] = partition(this.endWaiters, (w) => countUnfinished(this.db, w.runIds) === 0);
      this.endWaiters = waiting;
      done.forEach((w) => w.resolve());
    }
  }

  private start({ run, lease, resume, takenOver }: ClaimedRun): void {
    const slot: Slot = {
      run,
      lease,
      handle: { kill: () => {}, release: () => {} },
      state: 'training',
      lastFinal: null,
      final: null,
      resumeStep: resume?.step ?? null,
    };
    let job: EngineJob;
    try {
      job = { ...this.jobFor(run), ...(resume ? { resume } : {}), checkpointEvery: this.options.checkpointEvery };
    } catch (err) {
      this.failClaimed(slot, (err as Error).message);
      return;
    }
    this.slots.set(run.id, slot);
    try {
      this.owned(slot, () => {
        if (resume) appendRunLog(this.db, run.id, `resumed from step ${resume.step}${takenOver ? ' (taken over from a host that stopped)' : ''}`);
        else if (run.attempts > 1) appendRunLog(this.db, run.id, 'started again from the beginning: no resume point had been saved');
      });
      this.publish(run.id);
      slot.handle = this.launch(
        job,
        (m) => this.onMessage(slot, m),
        (code, signal, reason) => this.onExit(slot, code, signal, reason),
      );
    } catch (err) {
      // No engine could be started (or the store refused the log line): the run goes back to the queue.
      process.stderr.write(`run host: could not start run ${run.id}: ${(err as Error).message}\n`);
      this.slots.delete(run.id);
      slot.state = 'released';
      try {
        releaseRun(this.db, lease);
      } catch {
        // Its lease runs out instead.
      }
    }
  }

  private jobFor(run: RunRecord): EngineJob {
    const { config } = run;
    if (!config) throw new Error(run.error ?? `the stored config of run ${run.id} is unreadable`);
    if (config.kind === 'pretrain') {
      return { type: 'pretrain', runId: run.id, spec: config.baseModel, task: config.target.task, backend: config.backend, ...this.storeFor(config.baseModel) };
    }
    const { imported } = config.baseModel;
    if (imported) {
      const model = getImportedModel(this.db, imported.id);
      if (!model) throw new Error(`its base model, the imported model ${imported.id}, is no longer in the store`);
      return { type: 'finetune', runId: run.id, config, base: { manifest: model.manifest, data: model.weights }, ...this.storeFor(config.baseModel) };
    }
    const base = run.baseModelId ? getBaseModel(this.db, run.baseModelId) : null;
    if (!base || base.status !== 'ready' || base.checkpointId === null) {
      throw new Error(
        `its base model is not available (${base ? `pretraining ${base.status === 'failed' ? 'failed or was cancelled' : 'has not finished'}` : 'missing'})`,
      );
    }
    const checkpoint = getCheckpoint(this.db, base.checkpointId);
    if (!checkpoint) throw new Error(`the checkpoint of base model ${base.id} is missing from the store`);
    return { type: 'finetune', runId: run.id, config, base: checkpoint, ...this.storeFor(config.baseModel) };
  }

  /** Library data and an imported checkpoint's tokenizer are read by the engine itself from the store file (read-only), not shipped in the job. */
  private storeFor(spec: BaseModelSpec): { store?: string } {
    return spec.data.source === 'library' || spec.imported ? { store: this.db.name } : {};
  }

  /** Writes a running run's rows if this host still owns it; a run taken over meanwhile is let go. */
  private owned(slot: Slot, write: () => void): boolean {
    if (writeOwned(this.db, slot.lease, write)) return true;
    this.letGo(slot);
    return false;
  }

  /** Stops an engine whose run this host no longer owns (its lease ran out while this process stalled); nothing more is written. */
  private letGo(slot: Slot): void {
    if (slot.state !== 'training' && slot.state !== 'cancelling') return;
    slot.state = 'lost';
    process.stderr.write(`run host: run ${slot.run.id} was taken over by another process; this host stops training it\n`);
    slot.handle.kill();
  }

  private onMessage(slot: Slot, m: EngineMessage): void {
    if (slot.state !== 'training' || m.runId !== slot.run.id) return;
    try {
      this.persist(slot, m);
    } catch (err) {
      // The store refused a write (locked past the busy timeout, disk full): rather than lose a row, hand
      // the run back to the queue; it resumes from its last stored resume point.
      process.stderr.write(`run host: could not store a message of run ${slot.run.id}, handing it back to the queue: ${(err as Error).message}\n`);
      slot.state = 'released';
      slot.handle.kill();
      try {
        releaseRun(this.db, slot.lease);
      } catch {
        // Its lease runs out instead, and the next host takes it over.
      }
    }
  }

  private persist(slot: Slot, m: EngineMessage): void {
    const { db } = this;
    const runId = slot.run.id;
    switch (m.type) {
      case 'started':
        this.owned(slot, () => {
          // An engine on another machine may restart a job whose first worker died: what it had stored after the point it continues from goes.
          dropAfter(db, runId, m.resumedFrom?.evalCount ?? null);
          setRunBackend(db, runId, m.backend);
          appendRunLog(db, runId, `backend: ${m.backend}${m.skipped.length ? ` (skipped: ${m.skipped.join('; ')})` : ''}`);
        });
        break;
      case 'log':
        this.owned(slot, () => appendRunLog(db, runId, m.message));
        break;
      case 'progress':
        this.progress.set(runId, m.progress);
        break;
      case 'metrics':
        if (this.owned(slot, () => insertEvaluations(db, runId, [m.point])) && m.point.phase === 'final') slot.lastFinal = m.point;
        break;
      case 'predictions':
        this.owned(slot, () => setRunPredictions(db, runId, m.phase, m.predictions));
        break;
      case 'resume-point':
        if (this.owned(slot, () => saveResumePoint(db, runId, m.point))) slot.resumeStep = m.point.step;
        break;
      case 'checkpoint':
        slot.final = { step: m.step, checkpoint: m.checkpoint, paramCount: m.paramCount };
        break;
      case 'result':
        // Final weights, base model ready, headline and the end: one transaction, so a host killed
        // in between leaves the run running (to be resumed), never half-finished.
        this.owned(slot, () => {
          if (slot.final) {
            const id = insertCheckpoint(db, runId, slot.final.step, slot.final.checkpoint);
            if (slot.run.kind === 'pretrain' && slot.run.baseModelId)
              markBaseModelReady(db, slot.run.baseModelId, id, slot.lastFinal?.aPre ?? null, slot.final.paramCount);
          }
          setRunHeadline(db, runId, m.headline);
          endRun(db, runId, 'completed');
          deleteResumePoint(db, runId);
        });
        this.ended(slot);
        break;
      case 'error':
        // A resume point this engine cannot use (saved by another version, or damaged): start the run over rather than fail it.
        if (slot.resumeStep !== null && /^resume point /.test(m.message)) {
          this.owned(slot, () => {
            appendRunLog(db, runId, `${m.message}; starting over from the beginning`);
            deleteResumePoint(db, runId);
          });
          slot.state = 'released';
          releaseRun(db, slot.lease);
          slot.handle.kill();
          break;
        }
        this.owned(slot, () => {
          appendRunLog(db, runId, m.stack ?? m.message);
          this.endOwned(slot.run, 'failed', m.message);
        });
        this.ended(slot);
        break;
    }
    this.publish(runId);
  }

  /** The host has what it needs from the engine: the launcher stops it or keeps it for the next run (it does not exit by itself, so its last messages are not dropped). */
  private ended(slot: Slot): void {
    if (slot.state === 'training') slot.state = 'ended';
    slot.handle.release();
  }

  private onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null, reason?: string): void {
    const runId = slot.run.id;
    if (this.slots.get(runId) === slot) this.slots.delete(runId);
    this.progress.delete(runId);
    // After shutdown the store may be closed; shutdown wrote what these runs needed.
    if (this.stopped) return;
    try {
      if (slot.state === 'ended') this.executed.push(runId);
      else if (slot.state === 'cancelling') {
        this.owned(slot, () => this.endOwned(slot.run, 'cancelled', slot.cancelReason ?? 'cancelled while training; evaluations stored before are kept'));
        this.executed.push(runId);
      } else if (slot.state === 'training') this.crashed(slot, reason ?? explainEngineExit(code, signal));
      this.publish(runId);
    } catch (err) {
      // The store is busy: the run's lease runs out, and a host takes it over from its last resume point.
      process.stderr.write(`run host: could not record how run ${runId} ended: ${(err as Error).message}\n`);
    }
    this.pump();
  }

  /** An engine died without a result: resume the run from its last resume point a few times, then fail it with the reason. */
  private crashed(slot: Slot, why: string): void {
    const runId = slot.run.id;
    const crashes = (this.crashes.get(runId) ?? 0) + 1;
    this.crashes.set(runId, crashes);
    if (crashes <= this.options.retries) {
      const from = slot.resumeStep === null ? 'from the beginning' : `from step ${slot.resumeStep}`;
      this.owned(slot, () => appendRunLog(this.db, runId, `${why}; resuming ${from} (retry ${crashes} of ${this.options.retries})`));
      releaseRun(this.db, slot.lease);
      return;
    }
    this.owned(slot, () => this.endOwned(slot.run, 'failed', `${why} (${crashes} times; the last resume point is kept for a retry)`));
    this.executed.push(runId);
  }

  /** Ends a run and, for a pretraining run that did not complete, its base model (inside the caller's transaction). */
  private endOwned(run: RunRecord, status: 'cancelled' | 'failed', error: string): void {
    endRun(this.db, run.id, status, error);
    if (run.kind === 'pretrain' && run.baseModelId) markBaseModelFailed(this.db, run.baseModelId);
  }

  /** Fails a run this host claimed but cannot start (its base model or stored config is unusable). */
  private failClaimed(slot: Slot, error: string): void {
    try {
      if (writeOwned(this.db, slot.lease, () => this.endOwned(slot.run, 'failed', error))) this.publish(slot.run.id);
    } catch (err) {
      process.stderr.write(`run host: could not fail run ${slot.run.id} (${error}): ${(err as Error).message}\n`);
    }
  }

  /** Renews the leases of the runs this host trains; lets go of any taken over, stops any another process asked to cancel. */
  private renew(): void {
    this.lastRenewal = Date.now();
    const active = [...this.slots.values()].filter((slot) => slot.state === 'training' || slot.state === 'cancelling');
    if (active.length === 0) return;
    let held: ReturnType<typeof renewLeases>;
    try {
      held = renewLeases(
        this.db,
        active.map((slot) => slot.lease),
        this.options.leaseMs,
      );
    } catch (err) {
      process.stderr.write(`run host: could not renew leases: ${(err as Error).message}\n`);
      return;
    }
    for (const slot of active) {
      const mine = held.get(slot.run.id);
      if (!mine) this.letGo(slot);
      else if (mine.cancelRequested && slot.state === 'training') this.cancel(slot.run.id);
    }
  }
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}
