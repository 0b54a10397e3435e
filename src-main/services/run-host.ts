import type { RunProgress } from '../../src-shared/api';
import type { BaseModelSpec } from '../../src-shared/config';
import type { EvalPoint } from '../../src-shared/evaluation';
import { getBaseModel, markBaseModelFailed, markBaseModelReady } from '../db/base-models';
import { getCheckpoint, insertCheckpoint } from '../db/checkpoints';
import { getImportedModel } from '../db/imported-models';
import { insertEvaluations } from '../db/evaluations';
import { appendRunLog } from '../db/run-logs';
import { setRunPredictions } from '../db/run-predictions';
import { endRun, getRun, markRunStarted, runsWithStatus, setRunBackend, setRunHeadline, type RunRecord } from '../db/runs';
import type { Db } from '../db/types';
import type { EngineJob, EngineMessage } from '../engine/protocol';
import type { EngineHandle, EngineLauncher } from './engine-launcher';

interface Active {
  runId: string;
  handle: EngineHandle;
  cancelled: boolean;
  lastFinal: EvalPoint | null;
}

/**
 * Runs queued runs one at a time, each in its own engine process, and persists what the engine
 * streams. The host is the only database writer; a cancelled or crashed run keeps everything
 * stored before it ended.
 */
export class RunHost {
  private readonly queue: string[] = [];
  private readonly progress = new Map<string, RunProgress>();
  private active: Active | null = null;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly launch: EngineLauncher,
    private readonly publish: (runId: string) => void,
  ) {
    // Runs left 'running' by a previous host that died cannot be resumed: say so.
    for (const run of runsWithStatus(db, 'running')) {
      endRun(db, run.id, 'failed', 'interrupted: the workbench stopped while this run was training');
      if (run.kind === 'pretrain' && run.baseModelId) markBaseModelFailed(db, run.baseModelId);
    }
    // A queued run whose stored config does not parse can never run: it ends failed with the reason.
    for (const run of runsWithStatus(db, 'queued')) {
      if (run.config) this.queue.push(run.id);
      else endRun(db, run.id, 'failed', run.error);
    }
    this.pump();
  }

  /** Live progress of a running run. */
  progressOf(runId: string): RunProgress | null {
    return this.progress.get(runId) ?? null;
  }

  /** Queues runs (already stored with status 'queued'). */
  enqueue(runIds: string[]): void {
    this.queue.push(...runIds);
    this.pump();
  }

  /** Cancels a queued run at once, or kills a running one's engine process. */
  cancel(runId: string): void {
    const queued = this.queue.indexOf(runId);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(runId, 'cancelled', 'cancelled before it started');
    } else if (this.active?.runId === runId) {
      this.active.cancelled = true;
      this.active.handle.kill();
    }
  }

  /** Resolves when nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (!this.active && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Kills a running engine (host shutdown); the run is marked failed. */
  shutdown(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.active?.handle.kill();
  }

  private pump(): void {
    if (this.active || this.stopped) return;
    const runId = this.queue.shift();
    if (!runId) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
      return;
    }
    const run = getRun(this.db, runId);
    if (!run || run.status !== 'queued') return this.pump();
    let job: EngineJob;
    try {
      job = this.jobFor(run);
    } catch (err) {
      this.finish(runId, 'failed', (err as Error).message);
      return this.pump();
    }
    markRunStarted(this.db, runId);
    this.publish(runId);
    const active: Active = { runId, cancelled: false, lastFinal: null, handle: { kill: () => {} } };
    this.active = active;
    active.handle = this.launch(
      job,
      (m) => this.onMessage(active, m),
      (code) => this.onExit(active, code),
    );
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

  /** Library data is read by the engine itself from the store file (read-only), not shipped in the job. */
  private storeFor(spec: BaseModelSpec): { store?: string } {
    return spec.data.source === 'library' ? { store: this.db.name } : {};
  }

  private onMessage(active: Active, m: EngineMessage): void {
    if (m.runId !== active.runId || active.cancelled || this.stopped) return;
    const { db } = this;
    const run = getRun(db, m.runId)!;
    switch (m.type) {
      case 'started':
        setRunBackend(db, m.runId, m.backend);
        appendRunLog(db, m.runId, `backend: ${m.backend}${m.skipped.length ? ` (skipped: ${m.skipped.join('; ')})` : ''}`);
        break;
      case 'log':
        appendRunLog(db, m.runId, m.message);
        break;
      case 'progress':
        this.progress.set(m.runId, m.progress);
        break;
      case 'metrics':
        insertEvaluations(db, m.runId, [m.point]);
        if (m.point.phase === 'final') active.lastFinal = m.point;
        break;
      case 'checkpoint': {
        const id = insertCheckpoint(db, m.runId, m.step, m.checkpoint);
        if (run.kind === 'pretrain' && run.baseModelId) markBaseModelReady(db, run.baseModelId, id, active.lastFinal?.aPre ?? null, m.paramCount);
        break;
      }
      case 'predictions':
        setRunPredictions(db, m.runId, m.phase, m.predictions);
        break;
      case 'result':
        setRunHeadline(db, m.runId, m.headline);
        this.finish(m.runId, 'completed');
        active.handle.kill();
        break;
      case 'error':
        appendRunLog(db, m.runId, m.stack ?? m.message);
        this.finish(m.runId, 'failed', m.message);
        active.handle.kill();
        break;
    }
    this.publish(m.runId);
  }

  private onExit(active: Active, code: number | null): void {
    if (this.stopped) return;
    if (active.cancelled) this.finish(active.runId, 'cancelled', 'cancelled while training; evaluations stored before are kept');
    else this.finish(active.runId, 'failed', `the engine process exited unexpectedly (exit code ${code})`);
    this.progress.delete(active.runId);
    this.active = null;
    this.publish(active.runId);
    this.pump();
  }

  private finish(runId: string, status: 'completed' | 'cancelled' | 'failed', error: string | null = null): void {
    if (!endRun(this.db, runId, status, error)) return;
    const run = getRun(this.db, runId);
    if (status !== 'completed' && run?.kind === 'pretrain' && run.baseModelId) markBaseModelFailed(this.db, run.baseModelId);
    this.publish(runId);
  }
}
