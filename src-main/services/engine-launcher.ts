import type { EngineJob, EngineMessage } from '../engine/protocol';

/** A running engine process. */
export interface EngineHandle {
  /** Kills the process (cancellation). */
  kill(): void;
}

/**
 * Starts one engine process for one job. In the app it is an Electron utilityProcess; in browser
 * and CLI mode a child_process.fork; with --redis a job on a worker. `onExit` fires once, after the last
 * message, with the exit code or the signal that ended the process (null where the platform does not
 * tell), or the reason a launcher knows better (a job lost on Redis).
 */
export type EngineLauncher = (
  job: EngineJob,
  onMessage: (message: EngineMessage) => void,
  onExit: (code: number | null, signal: NodeJS.Signals | null, reason?: string) => void,
) => EngineHandle;
