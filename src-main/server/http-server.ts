import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { ApiEnvelope } from '../../src-shared/api';
import { APP_CSP } from '../../src-shared/csp';
import { TooLargeError } from '../../src-shared/validation';
import type { Workbench } from '../workbench';
import { dispatch } from '../services/dispatch';
import { envelopeStatus } from './api-status';
import { checkCaller, hostAllowed, sameToken, tokenCookie } from './request-guard';
import { readStatic } from './static-files';
import { receiveUpload } from './upload-route';
import { clearUploads } from '../services/uploads';

// The largest calls are exportBundle's figures (PNGs as base64) and figurePdf's SVG (up to 2 MB of text).
const MAX_BODY = 64 << 20;
// Methods whose first argument says where to read files from.
const IMPORT_METHODS = new Set(['previewDataset', 'importDataset', 'importModel']);

/** A running browser-mode server. */
export interface BrowserServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

// A `.` or `..` segment, plain or percent-encoded: the URL parser would resolve it silently; a client asking for one is refused instead.
const DOT_SEGMENT = /[/\\](\.|%2e){1,2}([/\\]|$)/i;

/** The URL of a request in origin form (`/path?query`); null for anything else (absolute or scheme-relative forms, dot segments). */
function requestUrl(raw: string | undefined): URL | null {
  if (!raw?.startsWith('/') || raw.startsWith('//') || DOT_SEGMENT.test(raw.split('?')[0])) return null;
  try {
    return new URL(raw, 'http://127.0.0.1');
  } catch {
    return null;
  }
}

const AUTH_MESSAGE = 'missing or wrong access token: open the URL printed by `retainlab serve`';
const ORIGIN_MESSAGE = "refused: requests that change anything must come from this server's own page";

/** The request body as text, refused past MAX_BODY; the rest is then read and dropped so the 413 reaches a client still sending. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      reject(new TooLargeError(`the request body is larger than the limit of ${MAX_BODY} bytes`));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Browser mode: serves the built renderer and the API contract over HTTP (POST /api/<method>),
 * file uploads for imports (PUT /upload/<path>) and events over WebSocket (/events), on 127.0.0.1
 * only, every call requiring the random token: in the Bearer header (scripts), or in the cookie
 * that the first page load with `?token=` sets (the page). Only the Host names 127.0.0.1:<port> and
 * localhost:<port> are answered, and every state-changing request must come from the server's own origin.
 */
export async function startBrowserServer(
  wb: Pick<Workbench, 'api' | 'bus'> & Partial<Pick<Workbench, 'dataDir' | 'uploadQuota'>>,
  rendererDir: string,
  port = 0,
): Promise<BrowserServer> {
  const token = randomBytes(16).toString('hex');
  // Uploads live only as long as the server that received them; a server without a store (export) takes none.
  const dataDir = wb.dataDir;
  if (dataDir) clearUploads(dataDir);
  // Known once listening; no request arrives before.
  let listening = 0;
  const server: Server = createServer(async (req, res) => {
    const headers: Record<string, string> = {
      'content-security-policy': APP_CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      // Keeps the first page's URL (with its token) out of any Referer sent elsewhere, while same-origin requests keep their Origin.
      'referrer-policy': 'same-origin',
    };
    const send = (status: number, body: string | Buffer, type = 'application/json') => {
      res.writeHead(status, { ...headers, 'content-type': type });
      res.end(body);
    };
    const sendEnvelope = (envelope: ApiEnvelope) => send(envelopeStatus(envelope), JSON.stringify(envelope));
    const refuse = (status: number, name: string, message: string) => send(status, JSON.stringify({ ok: false, error: { name, message } }));
    // A page reaching the server under another name (DNS rebinding) gets nothing, not even the bundle.
    if (!hostAllowed(req.headers.host, listening)) {
      req.resume();
      return refuse(421, 'SecurityError', `this server answers only to 127.0.0.1:${listening} and localhost:${listening}`);
    }
    const url = requestUrl(req.url);
    if (!url) {
      req.resume();
      return refuse(400, 'ValidationError', 'bad request: the request target is not a path');
    }
    const refuseCaller = (verdict: 401 | 403) => {
      req.resume();
      return verdict === 401 ? refuse(401, 'AuthError', AUTH_MESSAGE) : refuse(403, 'SecurityError', ORIGIN_MESSAGE);
    };
    try {
      if (url.pathname.startsWith('/api/')) {
        if (req.method !== 'POST') return refuse(405, 'Error', 'use POST');
        const verdict = checkCaller(req, listening, token, true);
        if (verdict !== 'ok') return refuseCaller(verdict);
        let args: unknown;
        try {
          args = (JSON.parse((await readBody(req)) || '{}') as { args?: unknown }).args ?? [];
        } catch (err) {
          if (err instanceof TooLargeError) return refuse(413, err.name, err.message);
          return refuse(400, 'ValidationError', `bad request body: ${(err as Error).message}`);
        }
        // A page reads the user's files only by uploading them: a local path is for the app and the CLI.
        const method = url.pathname.slice('/api/'.length);
        if (IMPORT_METHODS.has(method) && Array.isArray(args) && (args[0] as { kind?: unknown } | null)?.kind === 'path') {
          return refuse(403, 'SecurityError', 'browser mode imports uploaded files only (PUT /upload/<name>), not local paths');
        }
        return sendEnvelope(await dispatch(wb.api, method, args));
      }
      if (url.pathname.startsWith('/upload/') && dataDir) {
        if (req.method !== 'PUT') return refuse(405, 'Error', 'use PUT');
        const verdict = checkCaller(req, listening, token, true);
        if (verdict !== 'ok') return refuseCaller(verdict);
        const upload = await receiveUpload(dataDir, url, req, wb.uploadQuota);
        return send(upload.status, JSON.stringify(upload.body));
      }
      if (req.method !== 'GET') return send(405, 'method not allowed', 'text/plain');
      const file = await readStatic(rendererDir, url.pathname);
      // The first page load carries the token in its URL; from then on the cookie carries it, and the page drops it from the address bar.
      const given = url.searchParams.get('token');
      if (file.status === 200 && given !== null && sameToken(given, token)) headers['set-cookie'] = tokenCookie(listening, token);
      return send(file.status, file.body, file.type);
    } catch (err) {
      return refuse(500, 'Error', (err as Error).message);
    }
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const deny = (status: string) => {
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (!hostAllowed(req.headers.host, listening)) return deny('421 Misdirected Request');
    if (requestUrl(req.url)?.pathname !== '/events') return deny('404 Not Found');
    // A WebSocket is not bound by the same-origin policy: any page may open one, so its Origin is checked like a POST's.
    const verdict = checkCaller(req, listening, token, true);
    if (verdict !== 'ok') return deny(verdict === 401 ? '401 Unauthorized' : '403 Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const off = wb.bus.on((event, payload) => ws.send(JSON.stringify({ event, payload })));
      ws.on('close', off);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  listening = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${listening}/?token=${token}`,
    token,
    port: listening,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
