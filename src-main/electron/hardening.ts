import type { App, BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

// Electron's security checklist as plain functions over the Electron objects they are given, so a
// test can install them on recording fakes (the binary cannot be launched on our machines).

/** The main window's options: the renderer reaches the host only through the preload's allow-listed bridge. */
export function appWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    title: 'RetainLab',
    webPreferences: { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false },
  };
}

/** The hidden window figures are printed in: it shows a sanitised SVG only, runs no script and reaches nothing. */
export const PRINTER_WINDOW_OPTIONS: BrowserWindowConstructorOptions = {
  show: false,
  webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true, webviewTag: false },
};

/**
 * Denies every permission request and check. The app uses none (downloads of figures and tables
 * need no permission), and Electron grants every one by default.
 */
export function denyPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Sends the CSP as a response header too, so a page whose meta tag is missing or comes too late is still bound by it. */
export function addCspHeader(session: Pick<Session, 'webRequest'>, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    const key = Object.keys(headers).find((k) => k.toLowerCase() === 'content-security-policy') ?? 'Content-Security-Policy';
    // A second policy can only narrow what the first allows: both are enforced.
    headers[key] = [...(headers[key] ?? []), csp];
    callback({ responseHeaders: headers });
  });
}

/**
 * Keeps a webContents on the app's own page: no new windows, no navigation or redirect to any
 * other URL, no <webview>. `appUrl` is the renderer's file URL; its query and hash may change.
 */
export function guardWebContents(contents: WebContents, appUrl: string): void {
  const own = (url: string) => url.split(/[?#]/)[0] === appUrl;
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => {
    if (!own(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!own(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Installs every guard: permissions and CSP header on the session, the navigation guards on each webContents the app creates. */
export function hardenApp(
  app: Pick<App, 'on'>,
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'>,
  appUrl: string,
  csp: string,
): void {
  denyPermissions(session);
  addCspHeader(session, csp);
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, appUrl));
}
