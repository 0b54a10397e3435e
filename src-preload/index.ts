import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { API_EVENTS, API_METHODS } from '../src-shared/channels';

// Sets, so a renderer compromised by injected script still cannot reach any other channel.
const methods = new Set<string>(API_METHODS);
const events = new Set<string>(API_EVENTS);

/** What the preload exposes as `window.api`; the renderer's IPC transport is written against it. */
export interface PreloadApi {
  /** Calls an API method; resolves to the host's envelope `{ ok, result } | { ok: false, error }`. */
  invoke(method: string, args: unknown[]): Promise<unknown>;
  /** Subscribes to a host event; returns the unsubscribe function. */
  on(event: string, callback: (payload: unknown) => void): () => void;
  /** The local path of a dropped or picked file, so imports read it in place. */
  pathForFile(file: File): string;
}

const api: PreloadApi = {
  pathForFile: (file) => webUtils.getPathForFile(file),
  invoke(method, args) {
    if (!methods.has(method)) return Promise.reject(new Error(`Unknown API method "${method}"`));
    // Spread so the host handler receives the method's positional arguments, as over HTTP.
    return ipcRenderer.invoke(`api:${method}`, ...(Array.isArray(args) ? args : []));
  },
  on(event, callback) {
    if (!events.has(event)) throw new Error(`Unknown API event "${event}"`);
    const channel = `event:${event}`;
    // Drop the IpcRendererEvent: it carries the sender, which must not reach the page.
    const listener = (_event: IpcRendererEvent, payload: unknown) => callback(payload);
    ipcRenderer.on(channel, listener);
    return () => {
      ipcRenderer.removeListener(channel, listener);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
