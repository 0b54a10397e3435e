import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, session } from 'electron';
import { APP_CSP } from '../src-shared/csp';
import { resolveDataDir, APP_NAME } from './data-dir';
import { electronPrinter } from './electron/figure-printer';
import { appWindowOptions, hardenApp } from './electron/hardening';
import { utilityLauncher } from './electron/utility-launcher';
import { registerApi } from './ipc/register-api';
import { VERSION } from './version';
import { createWorkbench, type Workbench } from './workbench';
import { parseArgs } from 'node:util';
import { HOST_OPTIONS, hostOptions, redisUrl } from './cli/command-line';

// The Electron main process, kept thin: the store and run host live in services, the training in
// a utilityProcess, the UI in a sandboxed renderer that reaches the API only through the preload.
app.setName(APP_NAME);
const rendererFile = join(__dirname, '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererFile).href;

function createWindow(wb: Workbench): void {
  // New windows, navigation away and <webview> are refused for every webContents (hardenApp).
  const win = new BrowserWindow(appWindowOptions(join(__dirname, '..', 'preload', 'index.js')));
  const off = wb.bus.on((event, payload) => {
    if (!win.isDestroyed()) win.webContents.send(`event:${event}`, payload);
  });
  win.on('closed', off);
  void win.loadFile(rendererFile);
}

void app.whenReady().then(() => {
  hardenApp(app, session.defaultSession, rendererUrl, APP_CSP);
  const dataDir = resolveDataDir(process.argv, app.getPath('userData'));
  // The queue settings the CLI takes (--parallel, --checkpoint-seconds, --lease-seconds, --redis), read leniently from the app's argv.
  const { values } = parseArgs({ args: process.argv, options: HOST_OPTIONS, strict: false, allowPositionals: true });
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const wb = createWorkbench({
    dataDir,
    launcher: utilityLauncher(join(__dirname, 'engine.js')),
    mode: 'electron',
    version: VERSION,
    printer: electronPrinter(),
    host: hostOptions({
      parallel: text(values.parallel),
      'checkpoint-seconds': text(values['checkpoint-seconds']),
      'lease-seconds': text(values['lease-seconds']),
    }),
    redis: redisUrl(text(values.redis)),
  });
  registerApi(wb, rendererUrl);
  createWindow(wb);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(wb);
  });
  app.on('will-quit', () => wb.close());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
