import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/db/connection';
import { insertBaseModel } from '../../src-main/db/base-models';
import { insertEvaluations, listEvaluations } from '../../src-main/db/evaluations';
import { cancelInStore, claimNextRun, releaseRun, renewLeases, setQueuePaused, writeOwned } from '../../src-main/db/queue';
import { deleteRun, retryRun } from '../../src-main/db/run-control';
import { getResumePoint, saveResumePoint } from '../../src-main/db/resume-points';
import { endRun, getRun, insertRun } from '../../src-main/db/runs';
import type { Db } from '../../src-main/db/types';
import type { EvalPoint } from '../../src-shared/evaluation';
import { expandStudy, studyConfigSchema } from '../../src-shared/config';
import { tempDataDir, tinyRunConfig, tinyStudy } from './helpers';
import { point as evalPoint } from '../renderer/run-fixtures';

// Two connections on one real store file stand for two processes (the app and a CLI, say).
let dir: string, remove: () => void, a: Db, b: Db;
beforeEach(() => {
  ({ dir, remove } = tempDataDir());
  a = openStore(dir);
  b = openStore(dir);
});
afterEach(() => {
  a.close();
  b.close();
  remove();
});

const point = (step: number, phase: EvalPoint['phase'] = 'train'): EvalPoint => evalPoint({ step, phase, aPre: 0.9, aTgt: 0.5, loss: 1 });

function queue(db: Db, ids: string[]): void {
  for (const id of ids) insertRun(db, { id, studyId: null, baseModelId: null, config: tinyRunConfig() });
}

describe('the store as a durable queue shared by processes', () => {
  it('gives each queued run to exactly one claimer, oldest first, and nothing more once all are taken', () => {
    queue(a, ['r1', 'r2', 'r3']);
    const claims = [claimNextRun(a, 'A', 10_000), claimNextRun(b, 'B', 10_000), claimNextRun(a, 'A', 10_000), claimNextRun(b, 'B', 10_000)];
    expect(claims.map((c) => c?.run.id ?? null)).toEqual(['r1', 'r2', 'r3', null]);
    expect(getRun(b, 'r2')).toMatchObject({ status: 'running', owner: 'B', attempts: 1 });
  });

  it("never touches a live owner's run, and takes over one whose lease ran out, resuming from its resume point", () => {
    queue(a, ['r1']);
    const t0 = 1_000_000;
    const held = claimNextRun(a, 'A', 5_000, t0)!;
    expect(held.lease).toEqual({ runId: 'r1', owner: 'A', attempt: 1 });
    expect(claimNextRun(b, 'B', 5_000, t0 + 4_000)).toBeNull();
    // A renews: its lease now reaches t0 + 4000 + 5000.
    expect([...renewLeases(a, [held.lease], 5_000, t0 + 4_000).keys()]).toEqual(['r1']);
    expect(claimNextRun(b, 'B', 5_000, t0 + 8_000)).toBeNull();
    // Nor does A ever take over its own run, whatever the clock says (it still trains it).
    expect(claimNextRun(a, 'A', 5_000, t0 + 60_000)).toBeNull();
    // A stores three points, saves a resume point after the first two, stores one more, then dies.
    writeOwned(a, held.lease, () => insertEvaluations(a, 'r1', [point(0, 'base'), point(5)]));
    writeOwned(a, held.lease, () => saveResumePoint(a, 'r1', { step: 5, evalCount: 2, state: new Uint8Array([1, 2, 3]) }));
    writeOwned(a, held.lease, () => insertEvaluations(a, 'r1', [point(10)]));
    const taken = claimNextRun(b, 'B', 5_000, t0 + 9_001);
    expect(taken).toMatchObject({ run: { id: 'r1', owner: 'B', attempts: 2 }, takenOver: true, resume: { step: 5, evalCount: 2 } });
    expect([...taken!.resume!.state]).toEqual([1, 2, 3]);
    // The point stored after the resume point is gone: the resumed run stores it again, once.
    expect(listEvaluations(b, 'r1').map((p) => p.step)).toEqual([0, 5]);
    // The old owner, back from a stall, can no longer write, and learns it lost the run.
    expect(writeOwned(a, held.lease, () => insertEvaluations(a, 'r1', [point(10)]))).toBe(false);
    expect(renewLeases(a, [held.lease], 5_000, t0 + 9_500).size).toBe(0);
    expect(listEvaluations(b, 'r1')).toHaveLength(2);
  });

  it('a run taken over without a resume point starts over with no evaluations left', () => {
    queue(a, ['r1']);
    const { lease } = claimNextRun(a, 'A', 1_000, 0)!;
    writeOwned(a, lease, () => insertEvaluations(a, 'r1', [point(0, 'base')]));
    const taken = claimNextRun(b, 'B', 1_000, 2_000);
    expect(taken).toMatchObject({ resume: null, takenOver: true });
    expect(listEvaluations(b, 'r1')).toEqual([]);
  });

  it('a paused queue gives nothing; a released run goes back to the queue with its resume point', () => {
    queue(a, ['r1']);
    setQueuePaused(b, true);
    expect(claimNextRun(a, 'A', 1_000)).toBeNull();
    setQueuePaused(b, false);
    const first = claimNextRun(a, 'A', 1_000)!.lease;
    writeOwned(a, first, () => saveResumePoint(a, 'r1', { step: 3, evalCount: 1, state: new Uint8Array(4) }));
    expect(releaseRun(a, first)).toBe(true);
    expect(getRun(b, 'r1')).toMatchObject({ status: 'queued', owner: null });
    // A host does not claim again a run it is still stopping.
    expect(claimNextRun(a, 'A', 1_000, Date.now(), ['r1'])).toBeNull();
    const second = claimNextRun(a, 'A', 1_000)!;
    expect(second.resume?.step).toBe(3);
    // The first claim's engine, still running, can no longer write: the same host, an older attempt.
    expect(writeOwned(a, first, () => insertEvaluations(a, 'r1', [point(1)]))).toBe(false);
    expect(writeOwned(a, second.lease, () => insertEvaluations(a, 'r1', [point(4)]))).toBe(true);
  });

  it('a cancel from another process ends a queued run at once and asks the owner of a running one', () => {
    queue(a, ['r1', 'r2']);
    const { lease } = claimNextRun(a, 'A', 60_000)!;
    expect(cancelInStore(b, 'r2')).toBe('cancelled');
    expect(getRun(a, 'r2')?.status).toBe('cancelled');
    expect(cancelInStore(b, 'r1')).toBe('requested');
    expect(renewLeases(a, [lease], 60_000).get('r1')).toEqual({ cancelRequested: true });
    expect(cancelInStore(b, 'r2')).toBe('not active');
    // An owner that died cannot be asked: its run is cancelled at once, even with the queue paused.
    setQueuePaused(b, true);
    expect(cancelInStore(b, 'r1', Date.now() + 120_000)).toBe('cancelled');
    expect(getRun(a, 'r1')?.status).toBe('cancelled');
  });

  it('fine-tunes wait while their base model pretrains, then are claimed', () => {
    const {
      bases: [{ baseModel, pretrain }],
      runs,
    } = expandStudy(studyConfigSchema.parse(tinyStudy()));
    insertBaseModel(a, { id: 'base-1', name: 'b', spec: baseModel, pretrainRunId: 'pre' });
    insertRun(a, { id: 'pre', studyId: null, baseModelId: 'base-1', config: { ...pretrain } });
    insertRun(a, { id: 'ft', studyId: null, baseModelId: 'base-1', config: runs[0] });
    expect(claimNextRun(a, 'A', 60_000)?.run.id).toBe('pre');
    expect(claimNextRun(b, 'B', 60_000)).toBeNull();
    a.prepare(`UPDATE base_models SET status = 'ready' WHERE id = 'base-1'`).run();
    expect(claimNextRun(b, 'B', 60_000)?.run.id).toBe('ft');
  });

  it('retry queues a failed run again with its resume point; delete refuses running runs and base models others use', () => {
    const {
      bases: [{ baseModel, pretrain }],
      runs,
    } = expandStudy(studyConfigSchema.parse(tinyStudy()));
    insertBaseModel(a, { id: 'base-1', name: 'b', spec: baseModel, pretrainRunId: 'pre' });
    insertRun(a, { id: 'pre', studyId: null, baseModelId: 'base-1', config: { ...pretrain } });
    insertRun(a, { id: 'ft', studyId: null, baseModelId: 'base-1', config: runs[0] });
    const { lease } = claimNextRun(a, 'A', 60_000)!;
    expect(() => deleteRun(b, 'pre')).toThrow(/pre is running: cancel it first/);
    expect(() => retryRun(b, 'pre')).toThrow(/only a failed or cancelled run is retried/);
    writeOwned(a, lease, () => saveResumePoint(a, 'pre', { step: 7, evalCount: 1, state: new Uint8Array(1) }));
    endRun(a, 'pre', 'failed', 'the engine process was killed by signal SIGKILL');
    a.prepare(`UPDATE base_models SET status = 'failed' WHERE id = 'base-1'`).run();
    endRun(a, 'ft', 'failed', 'its base model is not available');
    expect(() => retryRun(b, 'ft')).toThrow(/retry its pretraining run pre first/);
    expect(retryRun(b, 'pre')).toMatchObject({ status: 'queued', error: null });
    expect(b.prepare(`SELECT status FROM base_models WHERE id = 'base-1'`).get()).toEqual({ status: 'pretraining' });
    expect(getResumePoint(b, 'pre')?.step).toBe(7);
    expect(() => retryRun(b, 'ft')).not.toThrow();
    cancelInStore(b, 'pre');
    expect(() => deleteRun(b, 'pre')).toThrow(/other run\(s\) start from \(ft\): delete those first/);
    cancelInStore(b, 'ft');
    deleteRun(b, 'ft');
    deleteRun(b, 'pre');
    expect(getRun(a, 'pre')).toBeNull();
    expect(a.prepare(`SELECT COUNT(*) AS n FROM base_models`).get()).toEqual({ n: 0 });
    expect(a.prepare(`SELECT COUNT(*) AS n FROM resume_points`).get()).toEqual({ n: 0 });
  });
});
