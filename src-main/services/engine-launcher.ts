import type { EngineJob, EngineMessage } from '../engine/protocol';

/** A running engine process. */
export interface EngineHandle {
  /** Kills the process (cancellation). */
  kill(): void;
}

/**
 * Starts one engine process for one job. In the app it is an Electron utilityProcess; in browser
 * and CLI mode a child_process.fork. `onExit` fires once, after the last message.
 */
export type EngineLauncher = (job: EngineJob, onMessage: (message: EngineMessage) => void, onExit: (code: number | null) => void) => EngineHandle;
