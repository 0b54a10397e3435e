import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyStudy } from '../main/helpers';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');
const CLAIM = 'Mix-cd keeps more of the pretrain accuracy than random rehearsal at the same rehearsal budget (Bai et al.).';

describe('browser mode: a study shows its claim beside its measured verdict, and the Compare view the mix-cd headroom', () => {
  let session: BrowserSession;
  let studyId = '';

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession(async (workbench) => {
      // Random rehearsal, the mix-cd oracle and mix-cd with class partitions at 8 pretrain samples a step, two seeds: 6 runs.
      // The oracle looks every step: this short a run ends before its default 10th step, and it would draw as the estimate does.
      const launched = await workbench.api.launchStudy(
        tinyStudy({
          name: 'tiny mix-cd claim',
          description: CLAIM,
          reference: { id: 'rehearsal' },
          data: { useFraction: 0.05 },
          methods: [
            { id: 'rehearsal', params: { memoryBatch: 8 } },
            { id: 'mixcd', params: { memoryBatch: 8, variant: 'oracle', oracleEvery: 1 } },
            { id: 'mixcd', params: { memoryBatch: 8, variant: 'estimated', partition: 'class' } },
          ],
          budget: { epochs: 1, evalsPerEpoch: 1, seeds: [0, 1] },
        }),
      );
      studyId = launched.studyId;
      await workbench.host.whenIdle();
    });
  }, 600_000);

  afterAll(() => session?.close());

  it('shows the claim and the arms against the reference under the study in the Runs view', { timeout: 120_000 }, async () => {
    const { page, server, wb } = session;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('tab-runs').click();
    await expect.poll(() => page.getByTestId(`study-claim-${studyId}`).innerText(), { timeout: 20_000 }).toContain(CLAIM);
    const verdict = (await wb.api.studyVerdict(studyId))!;
    expect(verdict.arms).toHaveLength(3);
    const arms = page.getByTestId(`study-verdict-arms-${studyId}`);
    expect(await arms.locator('tbody tr').count()).toBe(3);
    // The reference's own row has no difference; the two mix-cd rows have one.
    const deltas = await arms.locator('tbody tr td:nth-child(5)').allInnerTexts();
    expect(deltas.filter((d) => d === '–')).toHaveLength(1);
    expect(deltas.filter((d) => /^[+-]?\d+\.\d \[/.test(d))).toHaveLength(2);
    expect(await page.getByTestId(`study-verdict-summary-${studyId}`).innerText()).toContain('each against rehearsal');
    expect(await page.getByTestId(`study-verdict-headroom-${studyId}`).locator('tbody tr').count()).toBe(1);
    await page.getByTestId(`study-progress-${studyId}`).screenshot({ path: join(OUTPUT_DIR, 'e2e-study-verdict.png') });
    expect(errors).toEqual([]);
  });

  it('shows the headroom panel for the selected runs and saves the headroom table beside the comparison', { timeout: 120_000 }, async () => {
    const { page, server, wb } = session;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('tab-runs').click();
    await expect.poll(() => page.locator('[data-testid^="run-select-"]').count(), { timeout: 20_000 }).toBe(6);
    await page.getByTestId('select-all-visible').check();
    await page.getByTestId('compare-button').click();
    const panel = page.getByTestId('headroom-panel');
    await panel.waitFor({ timeout: 20_000 });
    const row = await panel.locator('tbody tr').allInnerTexts();
    expect(row).toHaveLength(1);
    // The same share the study's verdict computes from the same runs.
    const verdict = (await wb.api.studyVerdict(studyId))!;
    const share = verdict.headroom[0].share;
    expect(row[0]).toContain(share ? `${Math.round(share.value * 100)}%` : 'undefined');
    await panel.screenshot({ path: join(OUTPUT_DIR, 'e2e-compare-headroom.png') });
    // Runs all of one study: its claim and verdict sit in the Compare view too, long after the Runs view's panel has let the study go.
    const studyPanel = page.getByTestId('compare-study-verdict');
    await expect.poll(() => studyPanel.innerText(), { timeout: 20_000 }).toContain(CLAIM);
    expect(await studyPanel.innerText()).toContain('ΔA_pre at equal A_tgt');
    await studyPanel.screenshot({ path: join(OUTPUT_DIR, 'e2e-compare-study-verdict.png') });

    const files = new Map<string, string>();
    const saved = new Promise<void>((resolve) => {
      page.on('download', (d) => {
        void d.path().then((p) => {
          files.set(d.suggestedFilename(), readFileSync(p!, 'utf8'));
          if (files.size === 2) resolve();
        });
      });
    });
    await page.getByTestId('export-table-latex').click();
    await saved;
    expect([...files.keys()].sort()).toEqual(['comparison-headroom.tex', 'comparison.tex']);
    expect(files.get('comparison-headroom.tex')).toContain('\\begin{table*}');
    expect(await page.getByTestId('export-status').innerText()).toContain('and comparison-headroom.tex');
    // The reproducibility bundle carries it too (zip entry names are stored as they are).
    const ids = (await wb.api.listRuns({ limit: 100 })).items.filter((r) => r.kind === 'finetune').map((r) => r.id);
    const zip = Buffer.from((await wb.api.exportBundle(ids, [])).base64, 'base64');
    for (const name of ['metrics/headroom.csv', 'metrics/headroom.md', 'metrics/headroom.tex']) expect(zip.includes(name)).toBe(true);
    expect(errors).toEqual([]);
  });
});
