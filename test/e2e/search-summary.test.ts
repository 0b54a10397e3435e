import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyStudy } from '../main/helpers';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');

describe('browser mode: a search study shows what it found under its study in the Runs view', () => {
  let session: BrowserSession;
  let studyId = '';

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession(async (workbench) => {
      // Vanilla at four learning rates, searched for the most target gain that keeps 30% of pretrain accuracy, then 2 seeds of the winner.
      const launched = await workbench.api.launchStudy(
        tinyStudy({
          name: 'tiny search',
          data: { useFraction: 0.05 },
          budget: { epochs: 2, evalsPerEpoch: 2, learningRate: [0.01, 0.003, 0.0003, 0.0001], seeds: [0] },
          search: { maximize: 'targetGain', subjectTo: { retention: '>= 0.3' }, budget: { runs: 4, seeds: 2 } },
        }),
      );
      studyId = launched.studyId;
      await workbench.search.settle(studyId);
    });
  }, 600_000);

  afterAll(() => session?.close());

  it('names the chosen setting with its seeds, and the spend against the full grid', { timeout: 120_000 }, async () => {
    const { page, server, wb } = session;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('tab-runs').click();
    const summary = page.getByTestId(`search-summary-${studyId}`);
    await expect.poll(() => summary.innerText(), { timeout: 20_000 }).toContain('Search: maximize targetGain with retention >= 0.3');
    const outcome = (await wb.api.searchOutcome(studyId))!;
    expect(await summary.innerText()).toContain(`spent ${outcome.spend.runs} of the full grid's ${outcome.spend.fullGrid.runs} runs`);
    const chosen = outcome.methods[0].chosen!;
    const line = await page.getByTestId(`search-chosen-${outcome.methods[0].group}`).innerText();
    expect(line).toContain(`learningRate=${chosen.point['budget.learningRate']}`);
    expect(line).toContain(`over seeds ${chosen.seeds.join(', ')}`);
    await page.getByTestId(`study-progress-${studyId}`).screenshot({ path: join(OUTPUT_DIR, 'e2e-search-summary.png') });
    // A study without a search has no result, and an unknown study is an error, not a silent null.
    await expect(wb.api.searchOutcome('study-none')).rejects.toThrow(/No study with id 'study-none'/);
    expect(errors).toEqual([]);
  });
});
