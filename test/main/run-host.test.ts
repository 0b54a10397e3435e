import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/api';
import { openStore } from '../../src-main/db/connection';
import { getRun } from '../../src-main/db/runs';
import { forkEngine, forkLauncher } from '../../src-main/services/fork-launcher';
import type { EngineLauncher } from '../../src-main/services/engine-launcher';
import { reusingLauncher, type SpawnEngine } from '../../src-main/services/engine-pool';
import { createWorkbench, type Workbench } from '../../src-main/workbench';
import { ENGINE_PATH, tempDataDir, tinyStudy } from './helpers';
import { cleanupsAfterEach } from './run-checks';

const cleanups = cleanupsAfterEach();

function open(dir: string, launcher: EngineLauncher = forkLauncher(ENGINE_PATH)): Workbench {
  const wb = createWorkbench({ dataDir: dir, launcher, mode: 'browser', version: 'test' });
  cleanups.push(() => wb.close());
  return wb;
}

function newDir(): string {
  const d = tempDataDir();
  cleanups.push(d.remove);
  return d.dir;
}

describe('run host with real engine processes and a real SQLite store', () => {
  it('pretrains the base model once, runs the study, and shows every run after a restart', async () => {
    const dir = newDir();
    const wb = open(dir);
    const updates: RunSummary[] = [];
    wb.bus.only('run-updated', (run) => updates.push(run));
    const first = await wb.api.launchStudy(tinyStudy({ methods: [{ id: 'vanilla' }, { id: 'wiseft', params: { alphas: [0, 1] } }] }));
    expect(first.pretrainRunId).not.toBeNull();
    await wb.host.whenIdle();
    const runs = (await wb.api.listRuns()).items;
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect(runs.every((r) => r.backend === 'wasm')).toBe(true);
    expect(updates.some((u) => u.status === 'running' && u.progress !== null)).toBe(true);
    const vanilla = await wb.api.getRun(first.runIds[1]);
    // The engine's log travels with the run: which backend it ran on first.
    expect(vanilla.logs[0]).toMatch(/^backend: wasm/);
    expect(vanilla.evaluations.map((e) => e.phase)).toEqual(['base', 'train', 'train', 'final']);
    // The identity of methods.md §2 holds on every stored evaluation.
    for (const e of vanilla.evaluations) expect(e.aPre - vanilla.headline!.aPreBase).toBeCloseTo(e.gainedAbs - e.cdAbs, 12);
    // The gallery of forgotten samples: exactly the collateral damage of the final evaluation, sample by sample.
    const final = vanilla.evaluations.at(-1)!;
    const n = final.perClass.reduce((sum, c) => sum + c.n, 0);
    const forgotten = await wb.api.forgottenSamples(vanilla.id, 5);
    expect(forgotten.available).toBe(true);
    expect(forgotten.total).toBe(Math.round(final.cdAbs * n));
    expect(forgotten.samples.length).toBe(Math.min(5, forgotten.total));
    for (const sample of forgotten.samples) {
      expect(sample.before).toBe(sample.label);
      expect(sample.after).not.toBe(sample.label);
      expect(sample.pixels).toHaveLength(784);
    }
    await expect(wb.api.forgottenSamples(first.pretrainRunId!, 5)).rejects.toThrow(/pretrains a base model/);
    const models = await wb.api.listBaseModels();
    expect(models).toHaveLength(1);
    expect(models[0].status).toBe('ready');
    wb.close();

    const again = open(dir);
    expect((await again.api.listRuns()).items.map((r) => r.id).sort()).toEqual([...first.runIds].sort());
    const second = await again.api.launchStudy(tinyStudy());
    expect(second.pretrainRunId).toBeNull();
    expect(second.baseModelId).toBe(first.baseModelId);
    await again.host.whenIdle();
    expect((await again.api.getRun(second.runIds[0])).status).toBe('completed');
  });

  it('cancelling a running run kills its engine and keeps every evaluation stored before', async () => {
    const wb = open(newDir());
    const launched = await wb.api.launchStudy(tinyStudy({ budget: { epochs: 200, evalsPerEpoch: 1 } }));
    const target = launched.runIds[1];
    await new Promise<void>((resolve) => {
      const off = wb.bus.only('run-updated', (run) => {
        if (run.id === target && run.progress && run.progress.epoch >= 3) {
          off();
          resolve();
        }
      });
    });
    const cancelled = await wb.api.cancelRun(target);
    expect(['running', 'cancelled']).toContain(cancelled.status);
    await wb.host.whenIdle();
    const run = await wb.api.getRun(target);
    expect(run.status).toBe('cancelled');
    expect(run.error).toMatch(/cancelled while training/);
    expect(run.evaluations.length).toBeGreaterThanOrEqual(2);
    expect(run.evaluations.every((e) => e.phase !== 'final')).toBe(true);
  });

  it('trains a study run after run in one engine process, with the results of a fresh process per run, and ends the process once idle', async () => {
    const processes = { started: 0, ended: 0 };
    const counted: SpawnEngine = (onMessage, onExit) => {
      processes.started++;
      return forkEngine(ENGINE_PATH)(onMessage, (code, signal) => {
        processes.ended++;
        onExit(code, signal);
      });
    };
    // The reference: every job in a process of its own, ended after its result.
    const fresh: EngineLauncher = (job, onMessage, onExit) => {
      const handle = forkLauncher(ENGINE_PATH)(job, onMessage, onExit);
      return { kill: handle.kill, release: handle.kill };
    };
    const study = tinyStudy({
      methods: [{ id: 'vanilla' }, { id: 'ewc' }, { id: 'rehearsal' }, { id: 'lora' }],
      budget: { epochs: 1, evalsPerEpoch: 2, seeds: [0] },
    });
    const results = [];
    for (const launcher of [reusingLauncher(counted, 1_000), fresh]) {
      const wb = createWorkbench({ dataDir: newDir(), launcher, mode: 'browser', version: 'test', host: { parallel: 1 } });
      cleanups.push(() => wb.close());
      const launched = await wb.api.launchStudy(study);
      await wb.host.whenIdle();
      const runs = await Promise.all([launched.pretrainRunId!, ...launched.runIds].map((id) => wb.api.getRun(id)));
      expect(runs.map((r) => r.error ?? r.status)).toEqual(runs.map(() => 'completed'));
      results.push(runs.map((r) => ({ method: r.methodId, headline: r.headline, final: r.evaluations.find((e) => e.phase === 'final') })));
    }
    // The pretraining and the four fine-tunes went through one process, which ends a second after the last.
    expect(processes.started).toBe(1);
    await expect.poll(() => processes.ended, { timeout: 5_000 }).toBe(1);
    expect(results[0]).toEqual(results[1]);
  });

  it('resumes a run whose engine was killed, says which signal killed it, and fails it with the reason once retries are spent', async () => {
    const inner = forkLauncher(ENGINE_PATH);
    const kills = new Map<number, number>();
    // Seed 0 is killed once after its first training evaluation; seed 1 every time.
    const killing: EngineLauncher = (job, onMessage, onExit) => {
      const seed = job.type === 'finetune' ? job.config.seed : -1;
      const handle = inner(
        job,
        (m) => {
          onMessage(m);
          const limit = seed === 0 ? 1 : seed === 1 ? Infinity : 0;
          if (m.type === 'metrics' && m.point.phase === 'train' && (kills.get(seed) ?? 0) < limit) {
            kills.set(seed, (kills.get(seed) ?? 0) + 1);
            handle.kill();
          }
        },
        onExit,
      );
      return handle;
    };
    const dir = newDir();
    const wb = createWorkbench({ dataDir: dir, launcher: killing, mode: 'browser', version: 'test', host: { parallel: 1, retries: 1 } });
    cleanups.push(() => wb.close());
    const launched = await wb.api.launchStudy(tinyStudy({ budget: { epochs: 1, evalsPerEpoch: 2, seeds: [0, 1] } }));
    await wb.host.whenIdle();
    const [, once, always] = await Promise.all(launched.runIds.map((id) => wb.api.getRun(id)));
    expect(once.status).toBe('completed');
    expect(once.logs.some((l) => /killed by signal SIGKILL .*; resuming from the beginning \(retry 1 of 1\)/.test(l))).toBe(true);
    expect(once.evaluations.map((e) => e.phase)).toEqual(['base', 'train', 'train', 'final']);
    expect(always.status).toBe('failed');
    expect(always.error).toMatch(/^the engine process was killed by signal SIGKILL \(sent by a user or by the system when memory runs out\) \(2 times/);
    expect(wb.host.executedRuns()).toEqual(launched.runIds);
  });

  it("takes over a run whose host died (lease expired) and finishes it once; never touches a live host's run", async () => {
    const dir = newDir();
    const first = open(dir);
    const launched = await first.api.launchStudy(tinyStudy({ budget: { epochs: 1, evalsPerEpoch: 2, seeds: [0, 1] } }));
    await first.host.whenIdle();
    first.close();
    const [, orphan, live] = launched.runIds;
    // As a host killed mid-run leaves them: one whose lease ran out, one whose owner is alive and renewing.
    const db = openStore(dir);
    cleanups.push(() => db.close());
    const reopen = db.prepare(`UPDATE runs SET status = 'running', owner = ?, lease_until = ?, ended_at = NULL, headline_json = NULL WHERE id = ?`);
    reopen.run('dead-host', 1, orphan);
    reopen.run('live-host', Date.now() + 3_600_000, live);
    db.prepare(`DELETE FROM evaluations WHERE run_id = ? AND phase = 'final'`).run(orphan);
    const second = open(dir);
    await second.host.whenIdle();
    const taken = await second.api.getRun(orphan);
    expect(taken.status).toBe('completed');
    expect(taken.evaluations.filter((e) => e.phase === 'final')).toHaveLength(1);
    expect(taken.evaluations.filter((e) => e.phase === 'base')).toHaveLength(1);
    expect(taken.logs.at(-1) ?? '').not.toMatch(/interrupted/);
    expect(getRun(db, live)).toMatchObject({ status: 'running', owner: 'live-host' });
    expect(second.host.executedRuns()).toEqual([orphan]);
  });
});
