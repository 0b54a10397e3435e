import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../src-shared/api';
import type { BrowserServer } from '../../src-main/server/http-server';
import type { Workbench } from '../../src-main/workbench';
import { tinyStudy } from '../main/helpers';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');
// The machine is slow and shared: waits are generous, and a run's own length is never assumed.
const WAIT = { timeout: 120_000, interval: 250 };

describe('study control in browser mode: progress and ETA, pause and resume, cancel a study, retry a run (and a refused retry)', () => {
  let session: BrowserSession;
  let wb: Workbench;
  let server: BrowserServer;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession();
    ({ wb, server, page } = session);
  });

  afterAll(() => session?.close());

  const text = (testId: string) => page.getByTestId(testId).innerText();
  const withStatus = async (status: RunStatus) => (await wb.api.listRuns()).items.filter((r) => r.status === status).map((r) => r.id);

  it('shows a study progressing, holds it while paused, cancels what is left and retries a cancelled run', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('tab-runs').click();

    // One run at once, so that a study of six runs leaves queued runs to pause, resume and cancel.
    await page.getByTestId('queue-parallel').selectOption('1');
    await expect.poll(async () => (await wb.api.queueStatus()).parallel, WAIT).toBe(1);
    expect(await text('queue-state')).toBe('Queue running');

    // Ten fine-tunes of a few seconds each: the queue is paused soon after the first one ends, so however fast
    // the rest train, several are still queued for the resume and for the cancel after it (a CI run with five
    // had resumed its last held run, which ended before the cancel was clicked: nothing was left to cancel).
    const seeds = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const launch = await wb.api.launchStudy(tinyStudy({ name: 'control study', budget: { epochs: 6, evalsPerEpoch: 1, seeds } }));
    const id = launch.studyId;
    expect(launch.runIds).toHaveLength(11);
    // Launched outside the page (as a CLI on the same store would): the table still lists every run, queued ones too.
    await expect.poll(() => page.locator('tr.run').count(), WAIT).toBe(11);

    // Progress: done of total, and an ETA once a fine-tuning run has completed (it sets the pace of the rest).
    await expect.poll(() => text(`study-done-${id}`), WAIT).toMatch(/^([1-9]|10)\/11 done$/);
    await expect.poll(() => text(`study-eta-${id}`), WAIT).toMatch(/^(under a minute|about \d+ min) left$/);
    expect(await text(`study-counts-${id}`)).toMatch(/completed/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-study-progress.png'), fullPage: true, animations: 'disabled' });

    // Pause: the running run finishes, and no queued run starts while the queue stays paused.
    await page.getByTestId('queue-pause').click();
    await expect.poll(() => text('queue-state'), WAIT).toBe('Queue paused — no new runs start');
    await expect.poll(() => withStatus('running'), WAIT).toEqual([]);
    const held = await withStatus('queued');
    expect(held.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(await withStatus('queued')).toEqual(held);
    expect(await withStatus('running')).toEqual([]);
    await expect.poll(() => text(`study-counts-${id}`), WAIT).toMatch(new RegExp(`^${held.length} queued · \\d+ completed$`));
    expect(await text(`study-eta-${id}`)).toBe('waiting: the queue is paused');
    for (const run of held) expect(await text(`run-status-${run}`)).toBe('queued');
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-study-paused.png'), fullPage: true, animations: 'disabled' });

    // Resume: a held run starts again; the panel names the slowest remaining run, and clicking it opens that run.
    await page.getByTestId('queue-pause').click();
    await expect.poll(() => text('queue-state'), WAIT).toBe('Queue running');
    await expect.poll(async () => (await withStatus('queued')).length, WAIT).toBeLessThan(held.length);
    await page.getByTestId(`study-slowest-${id}`).click({ timeout: WAIT.timeout });
    await expect.poll(() => page.locator('tr.run.expanded').count(), WAIT).toBe(1);

    // Cancel the study (asked twice): every run that had not ended is cancelled. The queue is paused first, so
    // that runs are still queued however fast they train (a study that ends meanwhile has nothing to cancel).
    await page.getByTestId('queue-pause').click();
    await expect.poll(() => text('queue-state'), WAIT).toBe('Queue paused — no new runs start');
    await page.getByTestId(`study-cancel-${id}`).click();
    await page.getByTestId(`study-cancel-confirm-${id}`).click();
    await expect.poll(async () => [...(await withStatus('queued')), ...(await withStatus('running'))], WAIT).toEqual([]);
    const cancelled = await withStatus('cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    await expect.poll(() => text(`study-eta-${id}`), WAIT).toBe('finished');
    await expect.poll(() => text(`study-counts-${id}`), WAIT).toMatch(new RegExp(`\\d+ completed · ${cancelled.length} cancelled$`));
    expect(await page.getByTestId(`study-cancel-${id}`).count()).toBe(0);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-study-cancelled.png'), fullPage: true, animations: 'disabled' });
    await page.getByTestId('queue-pause').click();
    await expect.poll(() => text('queue-state'), WAIT).toBe('Queue running');

    // Retry one cancelled run from its row: it is queued again and trains to the end.
    const retried = cancelled[cancelled.length - 1];
    await page.getByTestId(`run-retry-${retried}`).click();
    await expect.poll(() => text(`run-status-${retried}`), WAIT).toMatch(/^(queued|running|completed)$/);
    await expect.poll(() => text(`run-status-${retried}`), WAIT).toBe('completed');
    await expect
      .poll(() => text(`study-counts-${id}`), WAIT)
      .toMatch(new RegExp(`\\d+ completed${cancelled.length > 1 ? ` · ${cancelled.length - 1} cancelled` : ''}$`));
    expect(await page.getByTestId(`run-retry-${retried}`).count()).toBe(0);
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-study-retried.png'), fullPage: true, animations: 'disabled' });

    // A retry the host refuses says why: a fine-tune whose base model was never pretrained (its study cancelled while paused).
    await page.getByTestId('queue-pause').click();
    await expect.poll(() => text('queue-state'), WAIT).toBe('Queue paused — no new runs start');
    const refused = await wb.api.launchStudy(tinyStudy({ name: 'refused study', baseModel: { recipe: 'mlp', pretrain: { epochs: 1 } } }));
    expect(refused.pretrainRunId).not.toBeNull();
    await page.getByTestId(`study-cancel-${refused.studyId}`).click({ timeout: WAIT.timeout });
    await page.getByTestId(`study-cancel-confirm-${refused.studyId}`).click();
    const orphan = refused.runIds.find((r) => r !== refused.pretrainRunId)!;
    await page.getByTestId(`run-retry-${orphan}`).click({ timeout: WAIT.timeout });
    await expect.poll(() => page.getByRole('alert').innerText(), WAIT).toMatch(/Could not retry the run[\s\S]*failed to pretrain; retry its pretraining run/);
    expect(await text(`run-status-${orphan}`)).toBe('cancelled');
    await page.screenshot({ path: join(OUTPUT_DIR, 'e2e-study-retry-refused.png'), fullPage: true, animations: 'disabled' });
    expect(errors).toEqual([]);
  }, 600_000);
});
