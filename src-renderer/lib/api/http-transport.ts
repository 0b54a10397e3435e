import { ApiError } from './api-error';
import { unwrapEnvelope } from './envelope';
import { EventSocket } from './event-socket';
import type { Transport } from './transport';

/**
 * The page's address without its `token` parameter, or null when it has none. The server answered
 * the first load with the token in an HttpOnly cookie, so the token leaves the address bar and the
 * history (where anyone looking at the screen or the history could read it).
 */
export function addressWithoutToken(location: Pick<Location, 'pathname' | 'search' | 'hash'>): string | null {
  const params = new URLSearchParams(location.search);
  if (!params.has('token')) return null;
  params.delete('token');
  const search = params.toString();
  return `${location.pathname}${search ? `?${search}` : ''}${location.hash}`;
}

/** Transport of the browser mode: HTTP POST per call, one WebSocket for events; the browser sends the token cookie with both. */
export function createHttpTransport(location: Location, history: History = window.history): Transport {
  const cleaned = addressWithoutToken(location);
  if (cleaned !== null) history.replaceState(history.state, '', cleaned);
  const wsProtocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new EventSocket(`${wsProtocol}//${location.host}/events`);

  return {
    async call(method, args) {
      let response: Response;
      try {
        response = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ args }),
        });
      } catch (error) {
        throw new ApiError({ name: 'TransportError', message: `Cannot reach the RetainLab server (${(error as Error).message}).` });
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        // Non-JSON answers come from outside the API (a proxy, a crashed server): report the HTTP status.
        throw new ApiError({ name: 'TransportError', message: `The server answered ${response.status} ${response.statusText} without an API envelope.` });
      }
      return unwrapEnvelope(body);
    },
    async stage(files, folder, onProgress) {
      const loose = files.length > 1 && files.every((f) => !f.path.includes('/'));
      const total = files.reduce((n, f) => n + f.file.size, 0);
      let sent = 0;
      let id: string | null = null;
      for (const { file, path } of files) {
        const url: string = `/upload/${(loose ? `${folder}/${path}` : path).split('/').map(encodeURIComponent).join('/')}${id ? `?upload=${id}` : ''}`;
        const response: Response = await fetch(url, { method: 'PUT', body: file });
        id = (unwrapEnvelope(await response.json()) as { id: string }).id;
        sent += file.size;
        onProgress?.(sent, total);
      }
      if (!id) throw new ApiError({ name: 'Error', message: 'Nothing was dropped.' });
      return { kind: 'upload', id };
    },
    on: (event, listener) => socket.on(event, listener),
    onReconnect: (listener) => socket.onReconnect(listener),
  };
}
