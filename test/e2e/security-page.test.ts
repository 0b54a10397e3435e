import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserSession, type BrowserSession } from './browser-session';

// The token cookie flow and the Origin check in a real browser: the app's page after its first
// load, and a page of another site on the same machine (another port of 127.0.0.1 is the same
// site, so the SameSite cookie alone would not stop it) trying the API and the event stream.
describe('browser mode in a real browser: the token cookie and foreign pages', () => {
  let session: BrowserSession;
  let attacker: Server;
  let attackerUrl: string;

  beforeAll(async () => {
    session = await startBrowserSession();
    attacker = createServer((_req, res) => res.end('<!doctype html><title>another site</title>'));
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await session?.close();
    await new Promise<void>((resolve) => attacker?.close(() => resolve()));
  });

  it('moves the token from the address bar into an HttpOnly cookie the page calls the API with', async () => {
    const { page, server } = session;
    await page.goto(server.url);
    await page.getByTestId('wizard-next').waitFor();
    expect(page.url()).not.toContain(server.token);
    // What stays is the page and its view (the hash the page keeps its state in).
    expect(page.url()).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/(#/[a-z-]+)?$`));
    const [cookie] = await page.context().cookies(`http://127.0.0.1:${server.port}/`);
    expect(cookie).toMatchObject({ value: server.token, httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
    // A state-changing call from the app's own page works with the cookie alone.
    const paused = await page.evaluate(async () => {
      const res = await fetch('/api/setQueue', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ args: [{ paused: true }] }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(paused).toMatchObject({ status: 200, body: { ok: true, result: { paused: true } } });
    expect((await session.wb.api.setQueue({ paused: false })).paused).toBe(false);
  });

  it('gives a page of another site neither the API nor the event stream, though the browser holds the cookie', async () => {
    const { page, server } = session;
    await page.goto(attackerUrl);
    const outcome = await page.evaluate(async (target) => {
      // no-cors: the page cannot read the answer, but the request (with the cookie) is sent.
      await fetch(`${target}/api/setQueue`, { method: 'POST', mode: 'no-cors', credentials: 'include', body: JSON.stringify({ args: [{ paused: true }] }) });
      const socket = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`${target.replace('http', 'ws')}/events`);
        ws.onopen = () => resolve('opened');
        ws.onerror = () => resolve('refused');
      });
      return { socket };
    }, `http://127.0.0.1:${server.port}`);
    expect(outcome.socket).toBe('refused');
    expect((await session.wb.api.queueStatus()).paused).toBe(false);
  });
});
