import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startBrowserServer, type BrowserServer } from '../../src-main/server/http-server';
import { forkLauncher } from '../../src-main/services/fork-launcher';
import { createWorkbench, type Workbench } from '../../src-main/workbench';
import { ENGINE_PATH, tempDataDir } from '../main/helpers';
import { launchChromium } from './browser';

/** The built renderer that browser mode serves. */
const RENDERER_DIR = join(__dirname, '..', '..', 'out', 'renderer');

/** Browser mode end to end: the real workbench (engine processes, a temporary store), its server, and a headless Chromium page. */
export interface BrowserSession {
  wb: Workbench;
  server: BrowserServer;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** Starts a session; `prepare` runs on the workbench before the server opens (e.g. to train runs first). */
export async function startBrowserSession(prepare?: (wb: Workbench) => Promise<void>): Promise<BrowserSession> {
  const data = tempDataDir();
  const wb = createWorkbench({ dataDir: data.dir, launcher: forkLauncher(ENGINE_PATH), mode: 'browser', version: 'e2e' });
  await prepare?.(wb);
  const server = await startBrowserServer(wb, RENDERER_DIR);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  return {
    wb,
    server,
    browser,
    page,
    close: async () => {
      await browser.close();
      await server.close();
      wb.close();
      data.remove();
    },
  };
}
