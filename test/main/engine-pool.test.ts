import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineJob, EngineMessage } from '../../src-main/engine/protocol';
import { reusingLauncher, type SpawnEngine } from '../../src-main/services/engine-pool';

// The pool's bookkeeping, with processes that answer as the host tells them to (the engine tier runs real ones: run-host.test.ts).
interface Process {
  jobs: string[];
  killed: boolean;
  holding: boolean;
  say(message: Partial<EngineMessage> & { type: EngineMessage['type'] }): void;
  die(code: number | null, signal: NodeJS.Signals | null): void;
}

/** `dieOnKill: false`: a kill takes effect later, as a real signal does (messages already sent still arrive). */
function pool(idleMs = 1_000, dieOnKill = true) {
  const processes: Process[] = [];
  const spawn: SpawnEngine = (onMessage, onExit) => {
    const p: Process = {
      jobs: [],
      killed: false,
      holding: true,
      say: (m) => onMessage({ runId: p.jobs.at(-1)!, seq: 0, ...m } as EngineMessage),
      die: (code, signal) => onExit(code, signal),
    };
    processes.push(p);
    return {
      send: (job) => p.jobs.push(job.runId),
      kill: () => {
        p.killed = true;
        if (dieOnKill) p.die(null, 'SIGKILL');
      },
      holdHost: (hold) => (p.holding = hold),
    };
  };
  return { launch: reusingLauncher(spawn, idleMs), processes };
}

const job = (runId: string, backend = 'auto') => ({ type: 'finetune', runId, config: { backend } }) as unknown as EngineJob;

function track() {
  const exits: { code: number | null; signal: NodeJS.Signals | null }[] = [];
  const messages: string[] = [];
  return {
    exits,
    messages,
    onMessage: (m: EngineMessage) => messages.push(m.type),
    onExit: (code: number | null, signal: NodeJS.Signals | null) => exits.push({ code, signal }),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('engine pool: processes kept for the next job', () => {
  afterEach(() => vi.useRealTimers());

  it('gives the next job to the process whose last job ended with a result, and ends the job for the host as an exit would', async () => {
    const { launch, processes } = pool();
    const a = track();
    const first = launch(job('run-a'), a.onMessage, a.onExit);
    processes[0].say({ type: 'result' });
    first.release();
    expect(processes[0].holding).toBe(false);
    await tick();
    expect(a.exits).toEqual([{ code: 0, signal: null }]);
    const b = track();
    launch(job('run-b'), b.onMessage, b.onExit);
    expect(processes).toHaveLength(1);
    expect(processes[0].jobs).toEqual(['run-a', 'run-b']);
    expect(processes[0].holding).toBe(true);
    // The first job's handle no longer reaches the process.
    first.kill();
    expect(processes[0].killed).toBe(false);
    processes[0].say({ type: 'log' });
    expect([a.messages, b.messages]).toEqual([['result'], ['log']]);
  });

  it('kills a process whose job failed or was released without a result, and starts a new one for the next job', () => {
    const { launch, processes } = pool();
    const a = track();
    const failed = launch(job('run-a'), a.onMessage, a.onExit);
    processes[0].say({ type: 'error' });
    failed.release();
    expect(processes[0].killed).toBe(true);
    expect(a.exits).toEqual([{ code: null, signal: 'SIGKILL' }]);
    launch(
      job('run-b'),
      () => {},
      () => {},
    );
    expect(processes).toHaveLength(2);
  });

  it('ends an idle process after the idle time, and forgets one that died while idle', async () => {
    vi.useFakeTimers();
    const { launch, processes } = pool(500);
    const handles = ['run-a', 'run-b'].map((id) =>
      launch(
        job(id),
        () => {},
        () => {},
      ),
    );
    for (const p of processes) p.say({ type: 'result' });
    handles.forEach((h) => h.release());
    expect(processes).toHaveLength(2);
    // Both idle: the first dies by itself; the second is ended by the pool after 500 ms.
    processes[0].die(1, null);
    vi.advanceTimersByTime(499);
    expect(processes[1].killed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(processes[1].killed).toBe(true);
    launch(
      job('run-d'),
      () => {},
      () => {},
    );
    expect(processes).toHaveLength(3);
  });

  it('never reuses a process the host killed, even when the result was already on its way', async () => {
    const { launch, processes } = pool(1_000, false);
    const a = track();
    const cancelled = launch(job('run-a'), a.onMessage, a.onExit);
    cancelled.kill();
    processes[0].say({ type: 'result' });
    cancelled.release();
    launch(
      job('run-b'),
      () => {},
      () => {},
    );
    expect(processes).toHaveLength(2);
    expect(processes[1].jobs).toEqual(['run-b']);
  });

  it('does not reuse a process whose job left tensors behind', () => {
    const { launch, processes } = pool();
    const leaky = launch(
      job('run-a'),
      () => {},
      () => {},
    );
    processes[0].say({ type: 'result', leakedTensors: 3 });
    leaky.release();
    expect(processes[0].killed).toBe(true);
  });

  it('gives a job only a process that served the same backend preference (the native backends cannot share one)', () => {
    const { launch, processes } = pool();
    const first = launch(
      job('run-a', 'tfjs-node'),
      () => {},
      () => {},
    );
    processes[0].say({ type: 'result' });
    first.release();
    launch(
      job('run-b', 'tfjs-node-gpu'),
      () => {},
      () => {},
    );
    launch(
      job('run-c', 'tfjs-node'),
      () => {},
      () => {},
    );
    expect(processes.map((p) => p.jobs)).toEqual([['run-a', 'run-c'], ['run-b']]);
  });
});
