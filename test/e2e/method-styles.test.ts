import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyStudy } from '../main/helpers';
import { startBrowserSession, type BrowserSession } from './browser-session';

// Screenshots land here for a person to look at.
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');

/** What a drawn Plotly trace tells of its style. */
interface DrawnTrace {
  name: string;
  mode?: string;
  type?: string;
  marker?: { color?: string; symbol?: string };
  line?: { color?: string; dash?: string };
}

describe('browser mode: every method is drawn in its own colour, marker and line style', () => {
  let session: BrowserSession;

  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    session = await startBrowserSession(async (workbench) => {
      // Vanilla, WiSE-FT, RecAdam and LoRA were drawn alike in pairs by the old palette; LoRA + rehearsal shows the rule for combined runs.
      await workbench.api.launchStudy(
        tinyStudy({
          name: 'styles',
          data: { useFraction: 0.08 },
          methods: [{ id: 'vanilla' }, { id: 'wiseft' }, { id: 'recadam' }, { id: 'lora' }, { id: 'lora', with: [{ id: 'rehearsal' }] }],
          budget: { epochs: 1, evalsPerEpoch: 3, seeds: [0] },
        }),
      );
      await workbench.host.whenIdle();
    });
  });

  afterAll(() => session?.close());

  it('draws LoRA, WiSE-FT, RecAdam and vanilla apart in the scatter and the learning curves, a combined run in its primary colour with its partner marker, and marks the reported α', async () => {
    const { page, server, wb } = session;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const finetunes = (await wb.api.listRuns()).items.filter((r) => r.kind === 'finetune');
    expect(finetunes.map((r) => r.error ?? r.status)).toEqual(finetunes.map(() => 'completed'));

    await page.goto(server.url);
    await page.getByTestId('tab-runs').click();
    await expect.poll(() => page.locator('[data-testid^="run-select-"]').count()).toBe(5);
    await page.getByTestId('select-all-visible').check();
    await page.getByTestId('compare-button').click();
    await page.getByTestId('plot-scatter').locator('.scatterlayer').waitFor();
    await page.getByTestId('plot-curves').locator('.scatterlayer').waitFor();

    const drawn = (kind: string) =>
      page.getByTestId(`plot-${kind}`).evaluate((el) =>
        (el as unknown as { data: DrawnTrace[] }).data.map(({ name, mode, type, marker, line }) => ({
          name,
          mode,
          type,
          marker: { color: marker?.color, symbol: marker?.symbol },
          line: { color: line?.color, dash: line?.dash },
        })),
      );
    const scatter = await drawn('scatter');
    // A legend label is the method's, with the settings that tell it apart in brackets (WiSE-FT's reported α).
    const nameOf = (label: string) => scatter.find((t) => t.name === label || t.name.startsWith(`${label} (`))?.name ?? label;
    const styleOf = (label: string) => scatter.find((t) => t.name === nameOf(label))?.marker;
    const styles = ['Vanilla fine-tuning', 'WiSE-FT interpolation', 'RecAdam', 'LoRA', 'LoRA + Random rehearsal'].map(styleOf);
    expect(
      styles.every((s) => s?.color && s.symbol),
      JSON.stringify(scatter),
    ).toBe(true);
    expect(new Set(styles.map((s) => s!.color)).size).toBe(4);
    expect(new Set(styles.map((s) => s!.symbol)).size).toBe(5);
    expect(styles[4]).toEqual({ color: styles[3]!.color, symbol: 'square' });

    // The learning curves carry the same colour and marker on their points (A_pre's mean line, the one in the legend) and each method's line style.
    const curves = await drawn('curves');
    const labels = ['Vanilla fine-tuning', 'WiSE-FT interpolation', 'RecAdam', 'LoRA'];
    const lines = labels.map((label) => curves.find((t) => t.name === nameOf(label))!);
    for (const [i, label] of labels.entries()) {
      expect(lines[i]?.mode, label).toBe('lines+markers');
      expect(lines[i].marker, label).toEqual(styles[i]);
      expect(lines[i].line?.color, label).toBe(styles[i]!.color);
    }
    expect(new Set(lines.map((l) => l.line?.dash)).size).toBe(4);

    // The WiSE-FT run's reported α (0.5 by default) is ringed on its α curve.
    await page.getByTestId('plot-wiseft').locator('.scatterlayer').waitFor();
    const wiseft = await drawn('wiseft');
    expect(wiseft.map((t) => t.name)).toContain('reported α = 0.5');
    await page.getByTestId('figure-wiseft').screenshot({ path: join(OUTPUT_DIR, 'compare-wiseft.png') });

    const scatterBox = (await page.getByTestId('figure-scatter').boundingBox())!;
    const curvesBox = (await page.getByTestId('figure-curves').boundingBox())!;
    const x = Math.min(scatterBox.x, curvesBox.x);
    const y = Math.min(scatterBox.y, curvesBox.y);
    const clip = {
      x,
      y,
      width: Math.max(scatterBox.x + scatterBox.width, curvesBox.x + curvesBox.width) - x,
      height: Math.max(scatterBox.y + scatterBox.height, curvesBox.y + curvesBox.height) - y,
    };
    await page.screenshot({ path: join(OUTPUT_DIR, 'compare-method-styles.png'), clip, fullPage: true });
    await page.getByTestId('compare-table').screenshot({ path: join(OUTPUT_DIR, 'compare-method-marks.png') });
    expect(errors).toEqual([]);
  });
});
