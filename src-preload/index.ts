import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { API_EVENTS, API_METHODS } from '../src-shared/channels';
import type { PreloadApi } from '../src-shared/preload-api';

// Sets, so a renderer compromised by injected script still cannot reach any other channel.
const methods = new Set<string>(API_METHODS);
const events = new Set<string>(API_EVENTS);

const api: PreloadApi<File> = {
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
