import type { EngineEvent } from '../protocol';

/** Sends one engine event for the current run (the engine process adds runId and seq). */
export type Emit = (event: EngineEvent) => void;
