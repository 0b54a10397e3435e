import type { EngineEvent } from '../protocol';

/** Sends one engine event for the current run (the engine process adds runId and seq). */
export type Emit = (event: EngineEvent) => void;

/** An emitter that counts the 'metrics' events it passes on, from `start` (those emitted before a resume point). */
export function countingMetrics(emit: Emit, start: number): { emit: Emit; count: () => number } {
  let count = start;
  return {
    emit: (event) => {
      if (event.type === 'metrics') count++;
      emit(event);
    },
    count: () => count,
  };
}
