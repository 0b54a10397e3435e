/**
 * What the preload exposes as `window.api`; the renderer's IPC transport is written against it.
 * `F` is the DOM's File, named by the two browser-side users, so src-shared needs no DOM types.
 */
export interface PreloadApi<F> {
  /** Calls an API method; resolves to the host's envelope `{ ok, result } | { ok: false, error }`. */
  invoke(method: string, args: unknown[]): Promise<unknown>;
  /** Subscribes to a host event; returns the unsubscribe function. */
  on(event: string, callback: (payload: unknown) => void): () => void;
  /** The local path of a dropped or picked file, so imports read it in place. */
  pathForFile(file: F): string;
}
