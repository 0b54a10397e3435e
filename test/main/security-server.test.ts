import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from './helpers';

// Browser mode as an attacker on the same machine meets it: a real `retainlab serve` on a
// temporary store, spoken to with raw HTTP so every header (Host, Origin, Cookie) is the test's.
const BIN = join(__dirname, '..', '..', 'bin', 'retainlab.js');
const IRIS = join(__dirname, '..', 'fixtures', 'import', 'csv', 'iris.csv');

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

let child: ChildProcess;
let removeData: () => void;
let port: number;
let token: string;
let own: string;

/** One HTTP request exactly as given (the path is sent verbatim); Host defaults to the server's own. */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A WebSocket upgrade request for /events; resolves to the status answered (101 when the socket opened). */
function upgrade(headers: Record<string, string>, path = '/events'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        host: `127.0.0.1:${port}`,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode!);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

const bearer = () => ({ authorization: `Bearer ${token}` });
const cookie = () => ({ cookie: `retainlab-token-${port}=${token}` });
const json = { 'content-type': 'application/json' };
const call = (method: string, args: unknown[], headers: Record<string, string> = bearer()) =>
  raw('POST', `/api/${method}`, { ...json, ...headers }, JSON.stringify({ args }));

beforeAll(async () => {
  const data = tempDataDir();
  removeData = data.remove;
  child = spawn(process.execPath, [BIN, 'serve', '--data-dir', data.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<URL>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
      const found = /open (\S+)/.exec(stdout);
      if (found) resolve(new URL(found[1]));
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  port = Number(url.port);
  token = url.searchParams.get('token')!;
  own = `http://127.0.0.1:${port}`;
});

afterAll(() => {
  child?.kill('SIGKILL');
  removeData?.();
});

describe('browser mode answers only to its own names (DNS rebinding)', () => {
  it('refuses a foreign Host with 421 on pages, the API and the event stream, and serves 127.0.0.1 and localhost', async () => {
    const foreign = { host: `rebind.evil.example:${port}` };
    expect((await raw('GET', '/', foreign)).status).toBe(421);
    expect((await raw('GET', '/index.html', { host: `127.0.0.1:${port + 1}` })).status).toBe(421);
    const api = await call('listRuns', [], { ...bearer(), ...foreign });
    expect(api.status).toBe(421);
    expect(JSON.parse(api.body)).toMatchObject({ ok: false, error: { name: 'SecurityError' } });
    expect(await upgrade({ ...cookie(), origin: own, ...foreign })).toBe(421);

    expect((await raw('GET', '/')).status).toBe(200);
    expect((await raw('GET', '/', { host: `localhost:${port}` })).status).toBe(200);
  });
});

describe('requests that change state come from the server’s own page', () => {
  it('refuses a POST and an upload from a foreign Origin with 403, even with the right token', async () => {
    const post = await call('listRuns', [], { ...bearer(), origin: 'https://evil.example' });
    expect(post.status).toBe(403);
    expect(JSON.parse(post.body)).toMatchObject({ ok: false, error: { name: 'SecurityError' } });
    expect((await call('listRuns', [], { ...cookie(), origin: 'null' })).status).toBe(403);
    const put = await raw('PUT', '/upload/iris.csv', { ...bearer(), origin: 'https://evil.example' }, readFileSync(IRIS));
    expect(put.status).toBe(403);

    expect((await call('listRuns', [], { ...bearer(), origin: own })).status).toBe(200);
    expect((await call('listRuns', [], { ...cookie(), origin: `http://localhost:${port}` })).status).toBe(200);
  });

  it('refuses the WebSocket upgrade from a foreign Origin with 403 and opens it for its own page', async () => {
    expect(await upgrade({ ...cookie(), origin: 'https://evil.example' })).toBe(403);
    expect(await upgrade({ ...cookie(), origin: `http://127.0.0.1:${port + 1}` })).toBe(403);
    expect(await upgrade({ origin: own })).toBe(401);
    expect(await upgrade({ ...cookie(), origin: own })).toBe(101);
  });
});

describe('the access token moves from the first URL into a cookie', () => {
  it('answers the first page load with ?token by setting an HttpOnly, SameSite=Strict cookie for the whole site', async () => {
    const first = await raw('GET', `/?token=${token}`);
    expect(first.status).toBe(200);
    const [set] = first.headers['set-cookie'] ?? [];
    expect(set).toMatch(new RegExp(`^retainlab-token-${port}=${token};`));
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Strict/);
    expect(set).toMatch(/; Path=\//);
    expect(first.headers['referrer-policy']).toBe('same-origin');
    // No cookie for a wrong token or a page load without one.
    expect((await raw('GET', `/?token=${'0'.repeat(token.length)}`)).headers['set-cookie']).toBeUndefined();
    expect((await raw('GET', '/')).headers['set-cookie']).toBeUndefined();
  });

  it('authenticates API calls by the cookie (with the page’s Origin) or a Bearer header, never by the token in the query string', async () => {
    const byCookie = await call('listRuns', [], { ...cookie(), origin: own });
    expect(JSON.parse(byCookie.body)).toEqual({ ok: true, result: { items: [], total: 0, offset: 0 } });
    expect((await call('listRuns', [])).status).toBe(200);

    const byQuery = await raw('POST', `/api/listRuns?token=${token}`, { ...json, origin: own }, '{"args":[]}');
    expect(byQuery.status).toBe(401);
    expect(JSON.parse(byQuery.body)).toMatchObject({ ok: false, error: { name: 'AuthError' } });
    expect(await upgrade({ origin: own }, `/events?token=${token}`)).toBe(401);
    // A cookie without an Origin is not how a page calls: a browser always says its Origin on POST.
    expect((await call('listRuns', [], cookie())).status).toBe(403);
  });
});

describe('API errors use HTTP statuses, with the same JSON body', () => {
  it('answers 400 for bad input, 404 for an unknown method or run, 409 for a conflict, 413 for a body too large', async () => {
    const unknownMethod = await call('dropAllTables', []);
    expect(unknownMethod.status).toBe(404);
    expect(JSON.parse(unknownMethod.body)).toMatchObject({ ok: false, error: { name: 'NotFoundError', message: "Unknown API method 'dropAllTables'" } });
    const unknownRun = await call('getRun', ['run-that-does-not-exist']);
    expect(unknownRun.status).toBe(404);
    expect(JSON.parse(unknownRun.body)).toMatchObject({ ok: false, error: { message: "No run with id 'run-that-does-not-exist'" } });

    const badArgs = await call('setRunNote', [42]);
    expect(badArgs.status).toBe(400);
    expect(JSON.parse(badArgs.body)).toMatchObject({ ok: false, error: { name: 'ValidationError', issues: expect.any(Array) } });
    expect((await raw('POST', '/api/listRuns', { ...bearer(), ...json }, '{not json')).status).toBe(400);
    const tooLarge = await raw('POST', '/api/setRunNote', { ...bearer(), ...json }, JSON.stringify({ args: ['x', 'a'.repeat(65 << 20)] }));
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ ok: false, error: { name: 'TooLargeError' } });

    // Two imported datasets, then the second renamed to the first's name: a conflict.
    const imported: string[] = [];
    for (const name of ['iris one', 'iris two']) {
      const put = JSON.parse((await raw('PUT', '/upload/iris.csv', bearer(), readFileSync(IRIS))).body);
      const dataset = JSON.parse((await call('importDataset', [{ kind: 'upload', id: put.result.id }, { name }, `job-${name}`])).body);
      expect(dataset.ok, JSON.stringify(dataset)).toBe(true);
      imported.push(dataset.result.id);
    }
    const conflict = await call('renameDataset', [imported[1], 'iris one']);
    expect(conflict.status).toBe(409);
    expect(JSON.parse(conflict.body)).toMatchObject({ ok: false, error: { name: 'ConflictError', message: expect.stringMatching(/already exists/) } });
    expect((await call('deleteDataset', ['no-such-dataset'])).status).toBe(404);
  });

  it('answers 400 to malformed percent-encodings and paths that leave the served folder, 404 to a missing file', async () => {
    const paths = [
      '/%',
      '/%E0%A4%A',
      '/assets/%C0%AF',
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/package.json',
      '/..%2f..%2fpackage.json',
      '/x%00.js',
      '//evil.example/',
    ];
    for (const path of paths) {
      const answer = await raw('GET', path);
      expect(answer.status, path).toBe(400);
    }
    expect((await raw('GET', '/no-such-file.js')).status).toBe(404);
  });
});

describe('figure printing runs no script from the SVG', () => {
  let listener: Server;
  const hits: string[] = [];

  beforeAll(async () => {
    listener = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('seen');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  it('prints a PDF of an SVG carrying a script, event handlers, a foreignObject iframe and remote links without any request reaching a loopback listener', async () => {
    const target = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    // The listener is reachable: a request from here is seen.
    await fetch(`${target}/control`);
    expect(hits).toEqual(['/control']);
    hits.length = 0;

    const svg = [
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="3in" height="2in" viewBox="0 0 216 144" onload="fetch('${target}/svg-onload')">`,
      `<script>fetch('${target}/script-inside')</script>`,
      `<rect x="10" y="10" width="100" height="50" fill="#1f77b4" onmouseover="fetch('${target}/mouseover')"/>`,
      `<image href="${target}/image.png" x="0" y="0" width="10" height="10" onerror="fetch('${target}/image-onerror')"/>`,
      `<foreignObject x="0" y="0" width="200" height="100"><iframe xmlns="http://www.w3.org/1999/xhtml" src="${target}/iframe"></iframe></foreignObject>`,
      `<style>@import url('${target}/style-import'); rect { fill: url('${target}/style-url') }</style>`,
      `<a xlink:href="javascript:fetch('${target}/link')"><text x="20" y="100" style="font-family: 'Times New Roman', serif; font-size: 12px">figure</text></a>`,
      `</svg><script>fetch('${target}/script-after')</script><img src="x" onerror="fetch('${target}/img-onerror')">`,
    ].join('');
    const answer = await call('figurePdf', [svg, 3, 2]);
    expect(answer.status, answer.body.slice(0, 500)).toBe(200);
    const pdf = Buffer.from(JSON.parse(answer.body).result.base64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // Anything a script or a load could have started has had time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(hits).toEqual([]);
  });
});
