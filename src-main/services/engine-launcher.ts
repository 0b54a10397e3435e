import type { EngineJob, EngineMessage } from '../engine/protocol';

/** A running engine process. */
export interface EngineHandle {
  /** Kills the process (cancellation). */
  kill(): void;
  /** The host has the job's result or error: the launcher ends the process or keeps it for the next job; `onExit` still fires once. */
  release(): void;
}

/**
 * Runs one job in an engine process. In the app it is an Electron utilityProcess; in browser and CLI
 * mode a child_process.fork (both kept for the next job: services/engine-pool.ts); with --redis a job
 * on a worker. `onExit` fires once, after the job's last message, with the exit code or the signal that
 * ended the process (null where the platform does not tell; 0 for a process kept after a result), or
 * the reason a launcher knows better (a job lost on Redis).
 */
export type EngineLauncher = (
  job: EngineJob,
  onMessage: (message: EngineMessage) => void,
  onExit: (code: number | null, signal: NodeJS.Signals | null, reason?: string) => void,
) => EngineHandle;
