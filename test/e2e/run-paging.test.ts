import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/db/connection';
import { endRun, insertRun } from '../../src-main/db/runs';
import type { BrowserServer } from '../../src-main/server/http-server';
import type { Workbench } from '../../src-main/workbench';
import { PAGE_DEFAULT } from '../../src-shared/paging';
import { tinyRunConfig } from '../main/helpers';
import { startBrowserSession, type BrowserSession } from './browser-session';

const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');
const RUNS = 450;

describe('the runs view of a store with more runs than one page', () => {
  let session: BrowserSession;
  let wb: Workbench;
  let server: BrowserServer;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession(async (workbench) => {
      // Another connection, as a CLI on the same store would be; each run is stored ended, so no engine trains it.
      const db = openStore(workbench.dataDir);
      db.transaction(() => {
        for (let i = 0; i < RUNS; i++) {
          insertRun(db, { id: `old-${String(i).padStart(3, '0')}`, studyId: null, baseModelId: null, config: tinyRunConfig({ seed: i }) });
          endRun(db, `old-${String(i).padStart(3, '0')}`, 'cancelled');
        }
      })();
      db.close();
    });
    ({ wb, server, page } = session);
  });

  afterAll(() => session?.close());

  it('lists every run, fetched page by page with no response over the page size', async () => {
    const pages: { offset: number; items: number; total: number }[] = [];
    page.on('response', async (response) => {
      if (!response.url().endsWith('/api/listRuns')) return;
      const body = (await response.json()) as { ok: boolean; result: { offset: number; items: unknown[]; total: number } };
      if (body.ok) pages.push({ offset: body.result.offset, items: body.result.items.length, total: body.result.total });
    });
    await page.goto(server.url);
    await page.getByTestId('tab-runs').click();
    await expect.poll(() => page.locator('tr.run').count(), { timeout: 60_000 }).toBe(RUNS);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(RUNS / PAGE_DEFAULT));
    expect(pages.every((p) => p.items <= PAGE_DEFAULT && p.total === RUNS)).toBe(true);
    expect(pages.slice(0, 3).map((p) => p.offset)).toEqual([0, PAGE_DEFAULT, 2 * PAGE_DEFAULT]);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-run-paging.png'), animations: 'disabled' });
  });

  it('answers a page request outside the bounds with a 400 naming the field', async () => {
    const response = await page.request.post(`${server.url.split('?')[0].replace(/\/$/, '')}/api/listRuns`, {
      data: { args: [{ limit: 5000 }] },
      headers: { Origin: new URL(server.url).origin },
    });
    expect(response.status()).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/limit/);
    expect((await wb.api.listRuns({ offset: 440, limit: 100 })).items).toHaveLength(10);
  });
});
