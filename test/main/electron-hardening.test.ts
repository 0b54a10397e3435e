import { describe, expect, it } from 'vitest';
import type { App, Session, WebContents } from 'electron';
import { APP_CSP } from '../../src-shared/csp';
import { appWindowOptions, hardenApp, PRINTER_WINDOW_OPTIONS } from '../../src-main/electron/hardening';

// Electron's security checklist, checked on recording fakes of the Electron objects: the binary
// cannot be launched on our machines, so the handlers the app installs are called here directly.

type Handler = (...args: never[]) => unknown;

/** A stand-in that records every handler installed on it, by event or setter name. */
function recorder() {
  const handlers = new Map<string, Handler>();
  const record = (name: string) => (handler: Handler) => void handlers.set(name, handler);
  return { handlers, record, on: (event: string, handler: Handler) => handlers.set(event, handler) };
}

/** Installs the hardening on a fake app and session, then creates one fake webContents. */
function hardened() {
  const app = recorder();
  const session = recorder();
  const webRequest = recorder();
  const fakeSession = {
    setPermissionRequestHandler: session.record('permission-request'),
    setPermissionCheckHandler: session.record('permission-check'),
    webRequest: { onHeadersReceived: webRequest.record('headers-received') },
  };
  const appUrl = 'file:///opt/retainlab/out/renderer/index.html';
  hardenApp({ on: app.on } as unknown as App, fakeSession as unknown as Session, appUrl, APP_CSP);
  const contents = recorder();
  const fakeContents = { on: contents.on, setWindowOpenHandler: contents.record('window-open') };
  (app.handlers.get('web-contents-created') as (event: unknown, c: WebContents) => void)({}, fakeContents as unknown as WebContents);
  return { session: session.handlers, webRequest: webRequest.handlers, contents: contents.handlers, appUrl };
}

/** Fires a cancellable event at a handler; true when the handler prevented it. */
function prevented(handler: Handler | undefined, url?: string): boolean {
  let stopped = false;
  (handler as (event: { url?: string; preventDefault(): void }) => void)({ url, preventDefault: () => (stopped = true) });
  return stopped;
}

describe('Electron hardening (Electron security checklist)', () => {
  it('opens the main window sandboxed, context-isolated, without Node or <webview>, reaching the host only through the preload', () => {
    const { webPreferences } = appWindowOptions('/app/preload/index.js');
    expect(webPreferences).toMatchObject({
      preload: '/app/preload/index.js',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webviewTag: false,
    });
    expect(webPreferences?.webSecurity).not.toBe(false);
  });

  it('prints figures in a hidden window that runs no script', () => {
    expect(PRINTER_WINDOW_OPTIONS).toMatchObject({
      show: false,
      webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false },
    });
  });

  it('denies every permission request and check (Electron grants them by default)', () => {
    const { session } = hardened();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      let granted: boolean | null = null;
      (session.get('permission-request') as (c: unknown, p: string, cb: (ok: boolean) => void) => void)({}, permission, (ok) => (granted = ok));
      expect(granted, permission).toBe(false);
      expect((session.get('permission-check') as (c: unknown, p: string, origin: string) => boolean)(null, permission, 'file://'), permission).toBe(false);
    }
  });

  it('prevents navigation and redirects away from the app page, and keeps its own page reachable', () => {
    const { contents, appUrl } = hardened();
    expect(prevented(contents.get('will-redirect'), 'https://evil.example/')).toBe(true);
    expect(prevented(contents.get('will-navigate'), 'https://evil.example/')).toBe(true);
    expect(prevented(contents.get('will-navigate'), 'file:///etc/passwd')).toBe(true);
    expect(prevented(contents.get('will-navigate'), `${appUrl}#/runs`)).toBe(false);
  });

  it('denies new windows and the attachment of a <webview>', () => {
    const { contents } = hardened();
    expect((contents.get('window-open') as (d: { url: string }) => unknown)({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(prevented(contents.get('will-attach-webview'))).toBe(true);
  });

  it('adds the app CSP as a response header, keeping the other headers', () => {
    const { webRequest } = hardened();
    let answer: { responseHeaders?: Record<string, string[]> } = {};
    (webRequest.get('headers-received') as (d: unknown, cb: (r: typeof answer) => void) => void)(
      { url: 'file:///opt/retainlab/out/renderer/index.html', responseHeaders: { 'Content-Type': ['text/html'] } },
      (r) => (answer = r),
    );
    expect(answer.responseHeaders).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [APP_CSP] });
    expect(APP_CSP).toMatch(/script-src 'self'/);
  });
});
