import { describe, expect, it } from 'vitest';
import { comparisonRows } from '../../src-shared/compare-rows';
import { tableLatex, tableMarkdown } from '../../src-shared/export-tables';
import { LOSS_METRIC_COLUMNS, METRIC_COLUMNS, metricColumnsFor } from '../../src-shared/metric-columns';

const headline = (aPre: number, aTgt: number) => ({
  aPre,
  aTgt,
  retention: 0.97,
  forgetting: 0.056,
  targetGain: 0.349,
  cdAbs: 0.348,
  cdCond: 0.348,
  weightDistance: 3.1,
  weightDistanceRel: 0.1,
});
const run = (id: string, seed: number, metric: string | undefined, aPre: number) => ({
  id,
  methodId: 'vanilla',
  methodLabel: 'Vanilla fine-tuning',
  seed,
  config: { metric, seed, method: { id: 'vanilla' } },
  headline: headline(aPre, 1.86),
});

describe('table columns follow the study\u2019s metric', () => {
  it('language-model runs get loss columns in nats (lower is better), not percentages', () => {
    const rows = comparisonRows([run('a', 0, 'loss', 2.131), run('b', 1, 'loss', 2.135)]);
    expect(metricColumnsFor(rows)).toBe(LOSS_METRIC_COLUMNS);
    const md = tableMarkdown(rows);
    expect(md).toContain('L_pre (nats)');
    expect(md).toContain('2.13');
    expect(md).not.toContain('213');
    expect(tableLatex(rows)).toContain('$L_\\mathrm{pre}$ (nats)');
  });

  it('classification runs (and runs stored before metrics were named) keep accuracy columns', () => {
    expect(metricColumnsFor(comparisonRows([run('a', 0, 'accuracy', 0.8), run('b', 0, undefined, 0.7)]))).toBe(METRIC_COLUMNS);
    expect(metricColumnsFor(comparisonRows([run('a', 0, 'loss', 2.1), run('b', 0, 'accuracy', 0.7)]))).toBe(METRIC_COLUMNS);
  });
});
