import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { APP_CSP } from '../../src-shared/csp';
import type { Workbench } from '../workbench';
import { dispatch } from '../services/dispatch';
import { readStatic } from './static-files';
import { receiveUpload } from './upload-route';
import { clearUploads } from '../services/uploads';

const MAX_BODY = 1 << 20;
// Methods whose first argument says where to read files from.
const IMPORT_METHODS = new Set(['previewDataset', 'importDataset', 'importModel']);

/** A running browser-mode server. */
export interface BrowserServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

function tokenOk(req: IncomingMessage, url: URL, token: string): boolean {
  const given = req.headers.authorization?.replace(/^Bearer /, '') ?? url.searchParams.get('token') ?? '';
  const a = Buffer.from(given),
    b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Browser mode: serves the built renderer and the API contract over HTTP (POST /api/<method>),
 * file uploads for imports (PUT /upload/<path>) and events over WebSocket (/events), on 127.0.0.1
 * only, every call requiring the random token.
 */
export async function startBrowserServer(
  wb: Pick<Workbench, 'api' | 'bus'> & Partial<Pick<Workbench, 'dataDir'>>,
  rendererDir: string,
  port = 0,
): Promise<BrowserServer> {
  const token = randomBytes(16).toString('hex');
  // Uploads live only as long as the server that received them; a server without a store (export) takes none.
  const dataDir = wb.dataDir;
  if (dataDir) clearUploads(dataDir);
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: string | Buffer, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'content-security-policy': APP_CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      if (url.pathname.startsWith('/api/')) {
        if (req.method !== 'POST') return send(405, JSON.stringify({ ok: false, error: { name: 'Error', message: 'use POST' } }));
        if (!tokenOk(req, url, token))
          return send(
            401,
            JSON.stringify({ ok: false, error: { name: 'AuthError', message: 'missing or wrong access token: open the URL printed by `retainlab serve`' } }),
          );
        let args: unknown;
        try {
          args = (JSON.parse((await readBody(req)) || '{}') as { args?: unknown }).args ?? [];
        } catch (err) {
          return send(400, JSON.stringify({ ok: false, error: { name: 'Error', message: `bad request body: ${(err as Error).message}` } }));
        }
        // A page reads the user's files only by uploading them: a local path is for the app and the CLI.
        const method = url.pathname.slice('/api/'.length);
        if (IMPORT_METHODS.has(method) && Array.isArray(args) && (args[0] as { kind?: unknown } | null)?.kind === 'path') {
          return send(
            403,
            JSON.stringify({
              ok: false,
              error: { name: 'SecurityError', message: 'browser mode imports uploaded files only (PUT /upload/<name>), not local paths' },
            }),
          );
        }
        return send(200, JSON.stringify(await dispatch(wb.api, method, args)));
      }
      if (url.pathname.startsWith('/upload/') && dataDir) {
        if (req.method !== 'PUT') return send(405, JSON.stringify({ ok: false, error: { name: 'Error', message: 'use PUT' } }));
        if (!tokenOk(req, url, token)) return send(401, JSON.stringify({ ok: false, error: { name: 'AuthError', message: 'missing or wrong access token' } }));
        return send(200, JSON.stringify(await receiveUpload(dataDir, url, req)));
      }
      if (req.method !== 'GET') return send(405, 'method not allowed', 'text/plain');
      const file = await readStatic(rendererDir, url.pathname);
      return file ? send(200, file.body, file.type) : send(404, 'not found', 'text/plain');
    } catch (err) {
      return send(500, JSON.stringify({ ok: false, error: { name: 'Error', message: (err as Error).message } }));
    }
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/events' || !tokenOk(req, url, token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const off = wb.bus.on((event, payload) => ws.send(JSON.stringify({ event, payload })));
      ws.on('close', off);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}/?token=${token}`,
    token,
    port: actualPort,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
