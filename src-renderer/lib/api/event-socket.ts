/** Reconnection delays grow from the first to the last value, doubling; reset once a connection opens. */
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/**
 * The browser mode's event stream: one WebSocket opened on the first subscription, messages
 * `{ event, payload }` dispatched to listeners, reopened with exponential backoff when it drops.
 */
export class EventSocket {
  private socket: WebSocket | null = null;
  private delay = FIRST_DELAY_MS;
  private hasConnected = false;
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly reconnectListeners = new Set<() => void>();

  constructor(private readonly url: string) {}

  /** Subscribes to one event name; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    this.ensureOpen();
    return () => set.delete(listener);
  }

  /** Calls back each time the stream reopens after a drop. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  private ensureOpen(): void {
    if (this.socket) return;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.delay = FIRST_DELAY_MS;
      if (this.hasConnected) for (const listener of this.reconnectListeners) listener();
      this.hasConnected = true;
    };
    socket.onmessage = (message) => this.dispatch(message.data);
    socket.onclose = () => {
      this.socket = null;
      setTimeout(() => this.ensureOpen(), this.delay);
      this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    };
  }

  private dispatch(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: { event?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data);
    } catch {
      return; // A malformed frame must not break the stream; the next list reload corrects the view.
    }
    const set = typeof message.event === 'string' ? this.listeners.get(message.event) : undefined;
    for (const listener of set ?? []) listener(message.payload);
  }
}
