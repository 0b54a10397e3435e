import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/api';
import { comparisonRows } from '../../src-shared/compare-rows';
import { tableMarkdown } from '../../src-shared/export-tables';
import { forkLauncher } from '../../src-main/services/fork-launcher';
import { createWorkbench, type Workbench } from '../../src-main/workbench';
import { ENGINE_PATH, tempDataDir, tinyStudy } from './helpers';

describe('a digits study with a generality suite, trained by the real engine', () => {
  let wb: Workbench;
  let remove: () => void;
  let runs: RunDetail[];

  beforeAll(async () => {
    const dir = tempDataDir();
    remove = dir.remove;
    wb = createWorkbench({ dataDir: dir.dir, launcher: forkLauncher(ENGINE_PATH), mode: 'browser', version: 'test' });
    const launched = await wb.api.launchStudy(
      tinyStudy({
        methods: [{ id: 'vanilla' }, { id: 'wiseft', params: { alphas: [0, 0.5, 1], reportAlpha: 0.5 } }],
        generality: ['upright', 'unseen-upright'],
      }),
    );
    await wb.host.whenIdle();
    runs = (await Promise.all(launched.runIds.map((id) => wb.api.getRun(id)))).filter((r) => r.kind === 'finetune');
  }, 300_000);

  afterAll(() => {
    wb?.close();
    remove?.();
  });

  it('measures every set at every evaluation point, sweep points included; the upright set is A_pre’s own', () => {
    expect(runs.map((r) => [r.status, r.error])).toEqual([
      ['completed', null],
      ['completed', null],
    ]);
    for (const run of runs) {
      expect(run.evaluations.length).toBeGreaterThan(3);
      for (const p of run.evaluations) {
        expect(Object.keys(p.generality!)).toEqual(['upright', 'unseen-upright']);
        // The same digits through the same head: the same accuracy as A_pre, at θ₀, while training and after it.
        expect(p.generality!.upright).toBeCloseTo(p.aPre, 12);
        expect(p.generality!['unseen-upright']).toBeGreaterThan(0);
      }
      expect(run.logs.join('\n')).toMatch(/generality suite: upright digits \(\d+\), unseen upright digits \(\d+\)/);
    }
    expect(runs[1].evaluations.filter((p) => p.phase === 'sweep')).toHaveLength(3);
  });

  it('reports each set’s retention and their mean in the headline, in comparisons and in the exported table', () => {
    for (const run of runs) {
      const h = run.headline!;
      const [upright, unseen] = h.generality!;
      expect(upright.set).toBe('upright');
      expect(upright.base).toBeCloseTo(h.aPreBase, 12);
      expect(upright.final).toBeCloseTo(h.aPre, 12);
      expect(upright.retention).toBeCloseTo(h.retention!, 12);
      expect(unseen.retention).toBeCloseTo(unseen.final / unseen.base, 12);
      expect(h.retentionGen).toBeCloseTo((upright.retention! + unseen.retention!) / 2, 12);
      expect(h.aGen).toBeCloseTo((upright.final + unseen.final) / 2, 12);
    }
    const table = tableMarkdown(comparisonRows(runs));
    expect(table.split('\n')[0]).toMatch(
      /Retention \(gen\. mean\) \(%\) \| A_gen \(mean\) \(%\) \| Retention · Upright digits \(%\) .*\| A · Unseen upright digits \(%\) \|$/,
    );
  });
});
