import type { ApiEvents } from '../../src-shared/api';

type Listener = <K extends keyof ApiEvents>(event: K, payload: ApiEvents[K]) => void;

/** Fans host events out to every connected renderer (IPC windows, WebSocket clients, the CLI). */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  /** Subscribes; returns the unsubscribe function. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to one event; returns the unsubscribe function. */
  only<K extends keyof ApiEvents>(event: K, listener: (payload: ApiEvents[K]) => void): () => void {
    return this.on((e, payload) => {
      if ((e as string) === event) listener(payload as ApiEvents[K]);
    });
  }

  /** Publishes an event to every subscriber; one failing subscriber does not stop the others. */
  emit<K extends keyof ApiEvents>(event: K, payload: ApiEvents[K]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch (err) {
        console.error(`event listener failed on ${event}:`, err);
      }
    }
  }
}
