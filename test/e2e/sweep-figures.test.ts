import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyStudy } from '../main/helpers';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');

/** The traces Plotly holds for a plot: what these checks read. */
type Drawn = { name: string; mode?: string; text?: string[]; y: (number | null)[]; showlegend?: boolean }[];

describe('browser mode: the Compare view draws a LoRA rank sweep next to a vanilla run', () => {
  let session: BrowserSession;

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession(async (workbench) => {
      // Vanilla fine-tuning and LoRA at ranks 1, 4 and 16, two seeds each: 8 runs.
      await workbench.api.launchStudy(
        tinyStudy({
          name: 'rank sweep',
          data: { useFraction: 0.08 },
          methods: [{ id: 'vanilla' }, { id: 'lora', params: { rank: [1, 4, 16] } }],
          budget: { epochs: 1, evalsPerEpoch: 1, seeds: [0, 1] },
        }),
      );
      await workbench.host.whenIdle();
    });
  }, 600_000);

  afterAll(() => session?.close());

  it('draws the sweep as a trade-off curve with the vanilla run as a reference point, and in parallel coordinates', { timeout: 300_000 }, async () => {
    const { page, server } = session;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('tab-runs').click();
    await expect.poll(() => page.locator('[data-testid^="run-select-"]').count(), { timeout: 20_000 }).toBe(8);
    await page.getByTestId('select-all-visible').check();
    await page.getByTestId('compare-button').click();

    const tradeoff = page.getByTestId('plot-tradeoff');
    await tradeoff.locator('.scatterlayer').waitFor();
    const curves = await tradeoff.evaluate((el) => (el as unknown as { data: Drawn }).data.map((t) => ({ name: t.name, mode: t.mode, text: t.text })));
    // In the order of the selection, which lists the newest runs first.
    expect(curves.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'LoRA, rank as marked', mode: 'text+lines+markers', text: ['1', '4', '16'] },
      { name: 'Vanilla fine-tuning', mode: 'markers', text: [''] },
    ]);
    // The chooser offers the sweep's axis.
    expect(await page.getByTestId('tradeoff-param').locator('option').allTextContents()).toEqual(["each sweep's first axis", 'method.params.rank']);
    await tradeoff.screenshot({ path: join(OUTPUT_DIR, 'sweep-tradeoff.png') });

    const parallel = page.getByTestId('plot-parallel');
    await parallel.locator('.scatterlayer').waitFor();
    const lines = await parallel.evaluate((el) =>
      (el as unknown as { data: Drawn }).data.filter((t) => t.mode === 'lines+markers').map((t) => ({ name: t.name, y: t.y, legend: t.showlegend })),
    );
    // Four experiments; the vanilla run has no rank: a gap on the first axis.
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.name === 'Vanilla fine-tuning')!.y[0]).toBeNull();
    expect(
      lines
        .filter((l) => l.legend)
        .map((l) => l.name)
        .sort(),
    ).toEqual(['LoRA', 'Vanilla fine-tuning']);
    // Plotly sets zero-width spaces around a subscript.
    const axisNames = (await parallel.locator('.xtick text').allTextContents()).map((t) => t.replace(/\u200b/g, ''));
    expect(axisNames).toEqual(['r (log)', 'Rpre (%)', 'Gtgt (pts)']);
    await parallel.screenshot({ path: join(OUTPUT_DIR, 'sweep-parallel.png') });
    await page.screenshot({ path: join(OUTPUT_DIR, 'sweep-compare.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
