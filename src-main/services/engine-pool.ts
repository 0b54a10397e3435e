import type { BackendName } from '../../src-shared/config';
import { jobBackend, type EngineJob, type EngineMessage } from '../engine/protocol';
import type { EngineLauncher } from './engine-launcher';

/** One engine process as the pool drives it (a child_process.fork, an Electron utilityProcess). */
export interface EngineProcess {
  /** Hands the process a job. */
  send(job: EngineJob): void;
  /** Kills the process. */
  kill(): void;
  /** Whether the process keeps the host's event loop alive: an idle one must not (a CLI exits when its work is done). */
  holdHost?(hold: boolean): void;
}

/** Starts an engine process; `onExit` fires once, after its last message. */
export type SpawnEngine = (onMessage: (message: EngineMessage) => void, onExit: (code: number | null, signal: NodeJS.Signals | null) => void) => EngineProcess;

/** How long an engine waits for its next job before it ends (a study's next run starts within milliseconds). */
export const ENGINE_IDLE_MS = 10_000;

interface Binding {
  runId: string;
  onMessage: (message: EngineMessage) => void;
  onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** The job's result came and left no tensors behind: the process finished it cleanly and may take the next one. */
  succeeded: boolean;
  /** The host killed the job: a result still in flight does not make the dying process reusable. */
  killed: boolean;
}

interface Engine {
  process: EngineProcess;
  /** The backend its jobs asked for: tfjs-node and tfjs-node-gpu both register 'tensorflow', so a process serves one preference. */
  backend: BackendName | 'auto';
  job: Binding | null;
  dead: boolean;
  idleTimer?: NodeJS.Timeout;
}

/**
 * A launcher that keeps engine processes for the next job instead of starting one per run: a run
 * then skips the process start, the module loading and the backend's set-up (about a third of a
 * short run), and the engine's dataset caches stay warm. A process is reused only after a job that
 * ended with its result; one that failed, was cancelled or lost is killed, and an idle one ends after
 * `idleMs`. For the host nothing changes: each job's `onExit` fires once, after its last message.
 */
export function reusingLauncher(spawn: SpawnEngine, idleMs = ENGINE_IDLE_MS): EngineLauncher {
  const idle: Engine[] = [];
  const retire = (engine: Engine) => {
    clearTimeout(engine.idleTimer);
    const at = idle.indexOf(engine);
    if (at >= 0) idle.splice(at, 1);
  };
  const start = (backend: Engine['backend']): Engine => {
    const engine: Engine = { process: null as unknown as EngineProcess, backend, job: null, dead: false };
    engine.process = spawn(
      (m) => {
        const job = engine.job;
        if (!job || m.runId !== job.runId) return;
        if (m.type === 'result') job.succeeded = !job.killed && !m.leakedTensors;
        job.onMessage(m);
      },
      (code, signal) => {
        engine.dead = true;
        retire(engine);
        const job = engine.job;
        engine.job = null;
        job?.onExit(code, signal);
      },
    );
    return engine;
  };

  return (job, onMessage, onExit) => {
    // The most recently used engine first: its caches are the warmest.
    const backend = jobBackend(job);
    let engine = [...idle].reverse().find((e) => e.backend === backend);
    if (engine) {
      retire(engine);
      engine.process.holdHost?.(true);
    } else engine = start(backend);
    const binding: Binding = { runId: job.runId, onMessage, onExit, succeeded: false, killed: false };
    engine.job = binding;
    engine.process.send(job);
    const own = engine;
    return {
      kill: () => {
        if (own.job !== binding) return;
        binding.killed = true;
        own.process.kill();
      },
      release: () => {
        if (own.job !== binding) return;
        if (!binding.succeeded || binding.killed || own.dead) {
          own.process.kill();
          return;
        }
        own.job = null;
        own.process.holdHost?.(false);
        own.idleTimer = setTimeout(() => {
          retire(own);
          own.process.kill();
        }, idleMs);
        own.idleTimer.unref();
        idle.push(own);
        // As after a real exit: the host hears of the end after the message it is handling now.
        setImmediate(() => onExit(0, null));
      },
    };
  };
}
