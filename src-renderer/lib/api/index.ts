import type { ApiEvents, RetainLabApi } from '../../../src-shared/api';
import { createHttpTransport } from './http-transport';
import { createIpcTransport } from './ipc-transport';
import type { ImportSource } from '../../../src-shared/datasets';
import { createApi, type DroppedFile, type EventListener } from './transport';

// Chosen once at start: the preload's bridge exists only inside the Electron app.
const transport = window.api ? createIpcTransport(window.api) : createHttpTransport(window.location);

/** The API of the host this page runs against; the renderer's only way to reach it. */
export const api: RetainLabApi = createApi(transport);

/** Subscribes to a host event; returns the unsubscribe function. */
export function onEvent<E extends keyof ApiEvents>(event: E, listener: EventListener<E>): () => void {
  return transport.on(event, (payload) => listener(payload as ApiEvents[E]));
}

/** Calls back when the event stream comes back after a drop (browser mode), so state can reload. */
export function onReconnect(listener: () => void): () => void {
  return transport.onReconnect(listener);
}

/** Makes dropped files readable by the host (an upload in browser mode, their paths in the app); loose files go in a folder named `folder`. */
export function stageFiles(files: DroppedFile[], folder: string, onProgress?: (sentBytes: number, totalBytes: number) => void): Promise<ImportSource> {
  return transport.stage(files, folder, onProgress);
}
