import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/db/connection';
import { setQueuePaused } from '../../src-main/db/queue';
import { endRun, insertRun, setRunHeadline } from '../../src-main/db/runs';
import type { BrowserServer } from '../../src-main/server/http-server';
import type { Workbench } from '../../src-main/workbench';
import { tinyRunConfig } from '../main/helpers';
import { headline } from '../renderer/run-fixtures';
import { startBrowserSession, type BrowserSession } from './browser-session';

const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');
const WAIT = { timeout: 30_000, interval: 200 };
// Against a base of A_pre 0.9: retention 0.98, 0.93, 0.67, 0.33; learning rates tell them apart in a column.
const DONE = [
  { id: 'keeps-most', aPre: 0.88, lr: 0.001 },
  { id: 'keeps-some', aPre: 0.84, lr: 0.002 },
  { id: 'forgets', aPre: 0.6, lr: 0.01 },
  { id: 'forgets-all', aPre: 0.3, lr: 0.05 },
];

describe('the Runs view: metric filters, columns, bulk actions and a page that remembers', () => {
  let session: BrowserSession;
  let wb: Workbench;
  let server: BrowserServer;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession(async (workbench) => {
      // Stored as a CLI on the same store would: ended runs with headlines, and one held queued by a paused queue.
      const db = openStore(workbench.dataDir);
      setQueuePaused(db, true);
      for (const [i, r] of DONE.entries()) {
        const config = tinyRunConfig({ seed: i });
        insertRun(db, { id: r.id, studyId: null, baseModelId: null, config: { ...config, budget: { ...config.budget, learningRate: r.lr } } });
        setRunHeadline(db, r.id, headline(r.aPre, 0.7));
        endRun(db, r.id, 'completed');
      }
      insertRun(db, { id: 'waiting', studyId: null, baseModelId: null, config: tinyRunConfig({ seed: 9 }) });
      db.close();
    });
    ({ wb, server, page } = session);
  });

  afterAll(() => session?.close());

  const rows = () => page.locator('tr.run');
  const rowIds = async () => (await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')!.replace('run-row-', '')))).sort();
  const search = async (text: string) => page.getByTestId('runs-search').fill(text);
  const shot = (name: string) => page.screenshot({ path: join(OUTPUT_DIR, `e2e-runs-view-${name}.png`), fullPage: true, animations: 'disabled' });

  it('filters on a headline metric, and names an unknown field with the valid ones instead of showing nothing', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('tab-runs').click();
    await expect.poll(() => rows().count(), WAIT).toBe(5);
    expect(new URL(page.url()).hash).toBe('#/runs');

    await search('retention>0.9');
    await expect.poll(rowIds, WAIT).toEqual(['keeps-most', 'keeps-some']);
    await search('retention>=0.5 learningRate>0.001');
    await expect.poll(rowIds, WAIT).toEqual(['forgets', 'keeps-some']);

    await search('retentoin>0.9');
    const error = page.getByTestId('runs-search-error');
    await expect.poll(() => error.isVisible(), WAIT).toBe(true);
    const text = await error.innerText();
    expect(text).toMatch(/retentoin>0.9: no field 'retentoin'/);
    expect(text).toMatch(/retention, forgetting, targetGain, cdAbs/);
    expect(text).toMatch(/budget\.learningRate/);
    await shot('unknown-field');

    await search('retention>0.5');
    await expect.poll(() => error.count(), WAIT).toBe(0);
    await expect.poll(rowIds, WAIT).toEqual(['forgets', 'keeps-most', 'keeps-some']);
    expect(errors).toEqual([]);
  });

  it('shows a chosen metric and config path as columns, sortable', async () => {
    await page.locator('[data-testid="column-chooser"] summary').click();
    await page.getByTestId('column-cdCond').check();
    await page.getByTestId('column-find').fill('learningrate');
    await page.getByTestId('column-budget.learningRate').check();
    await shot('column-chooser');
    await page.locator('[data-testid="column-chooser"] summary').click();
    await page.getByTestId('sort-budget.learningRate').click();
    const rates = () => page.locator('tr.run [data-testid="cell-budget.learningRate"]').allInnerTexts();
    await expect.poll(rates, WAIT).toEqual(['0.001', '0.002', '0.01']);
    await page.getByTestId('sort-budget.learningRate').click();
    await expect.poll(rates, WAIT).toEqual(['0.01', '0.002', '0.001']);
    expect(await page.locator('tr.run [data-testid="cell-cdCond"]').first().innerText()).toBe('6.0%');
    await shot('columns');
  });

  it('tags the selected runs at once', async () => {
    await page.getByTestId('run-select-keeps-most').check();
    await page.getByTestId('run-select-keeps-some').check();
    await page.getByTestId('bulk-tag').fill('to-check');
    await page.getByTestId('bulk-tag-add').click();
    await expect.poll(() => page.getByTestId('bulk-done').innerText(), WAIT).toBe('Tagged 2 runs to-check.');
    await page.getByTestId('bulk-note').fill('best retention');
    await page.getByTestId('bulk-note-set').click();
    await expect.poll(async () => (await wb.api.getRun('keeps-some')).note, WAIT).toBe('best retention');
    const tags = async (id: string) => (await wb.api.getRun(id)).tags;
    expect([await tags('keeps-most'), await tags('keeps-some'), await tags('forgets')]).toEqual([['to-check'], ['to-check'], []]);
    await expect.poll(() => page.locator('[data-testid="run-row-keeps-most"] [data-testid="run-tag"]').innerText(), WAIT).toBe('to-check');
  });

  it('refuses to archive or delete while a selected run is queued, changing nothing', async () => {
    await search('');
    await page.getByTestId('run-select-waiting').check();
    await page.getByTestId('bulk-archive').click();
    await expect
      .poll(() => page.locator('.error-box').innerText(), WAIT)
      .toMatch(/cannot archive the selected runs while a run is queued or running \(waiting\)/);
    await page.getByTestId('bulk-delete').click();
    await page.getByTestId('bulk-delete-confirm').click();
    await expect
      .poll(() => page.locator('.error-box').innerText(), WAIT)
      .toMatch(/cannot delete the selected runs while a run is queued or running \(waiting\): cancel it/);
    await shot('refused');
    expect((await wb.api.listRuns()).items).toHaveLength(5);
    expect((await wb.api.listRuns()).items.some((r) => r.archived)).toBe(false);
    await page.getByTestId('run-select-waiting').uncheck();
  });

  it('archives the selected runs out of sight until archived runs are shown, and deletes one with what it stored', async () => {
    await page.getByTestId('run-select-keeps-some').uncheck();
    await page.getByTestId('bulk-archive').click();
    await expect.poll(rowIds, WAIT).toEqual(['forgets', 'forgets-all', 'keeps-some', 'waiting']);
    await page.getByTestId('show-archived').check();
    await expect.poll(rowIds, WAIT).toEqual(['forgets', 'forgets-all', 'keeps-most', 'keeps-some', 'waiting']);
    await page.getByTestId('show-archived').uncheck();

    await page.getByTestId('run-select-forgets-all').check();
    await page.getByTestId('bulk-delete').click();
    await page.getByTestId('bulk-delete-confirm').click();
    await expect.poll(rowIds, WAIT).toEqual(['forgets', 'keeps-some', 'waiting']);
    await expect(wb.api.getRun('forgets-all')).rejects.toThrow(/forgets-all/);
  });

  it('comes back from the URL after a reload: view, search, sort, columns and selection', async () => {
    await search('retention>0.5');
    await page.getByTestId('run-select-keeps-some').check();
    await page.getByTestId('run-select-forgets').check();
    await expect.poll(() => new URL(page.url()).hash, WAIT).toContain('sel=keeps-some%2Cforgets');
    const before = page.url();
    await page.reload();
    await expect.poll(() => page.getByTestId('runs-search').inputValue(), WAIT).toBe('retention>0.5');
    expect(page.url()).toBe(before);
    await expect.poll(rowIds, WAIT).toEqual(['forgets', 'keeps-some']);
    expect(await page.getByTestId('run-select-keeps-some').isChecked()).toBe(true);
    expect(await page.getByTestId('run-select-forgets').isChecked()).toBe(true);
    expect(await page.locator('tr.run [data-testid="cell-budget.learningRate"]').allInnerTexts()).toEqual(['0.01', '0.002']);
    await shot('reloaded');

    // The same view in another browser (someone else on this store, with its own session): the server's address and this hash.
    const other = await session.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await other.goto(`${server.url}${new URL(before).hash}`);
    await expect.poll(() => other.locator('tr.run').count(), WAIT).toBe(2);
    expect(await other.getByTestId('compare-button').innerText()).toBe('Compare selected (2)');
    await other.close();
  });

  it('goes back and forward between views with their state', async () => {
    await page.getByTestId('tab-compare').click();
    await expect.poll(() => new URL(page.url()).hash, WAIT).toMatch(/^#\/compare\?/);
    await page.goBack();
    await expect.poll(() => new URL(page.url()).hash, WAIT).toMatch(/^#\/runs\?/);
    await expect.poll(() => page.getByTestId('runs-search').inputValue(), WAIT).toBe('retention>0.5');
    await expect.poll(rowIds, WAIT).toEqual(['forgets', 'keeps-some']);
    await page.goForward();
    await expect.poll(() => page.getByTestId('tab-compare').getAttribute('aria-selected'), WAIT).toBe('true');
    await page.goBack();
    // Back past a sort: the previous direction returns.
    await page.getByTestId('sort-retention').click();
    await expect.poll(() => new URL(page.url()).hash, WAIT).toContain('sort=retention');
    await page.goBack();
    await expect.poll(() => new URL(page.url()).hash, WAIT).toContain('sort=-budget.learningRate');
    await shot('back');
  });
});
