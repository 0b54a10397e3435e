import { describe, expect, it } from 'vitest';
import { trendText, verdictUnit } from '../../src-shared/verdict/format-estimate';
import type { Trend } from '../../src-shared/verdict/study-verdict';

describe('verdict text', () => {
  const trend: Trend = {
    entry: 'methods.1',
    axis: 'method.params.rank',
    values: [1, 4, 16],
    aPre: [0.91, 0.71, 0.51],
    aTgt: [0.21, 0.51, 0.7],
    rhoPre: -1,
    rhoTgt: 1,
  };

  it('reads a trend as one line: the axis by its last name, each mean in points, Spearman ρ to two places', () => {
    expect(trendText(trend, { metric: 'accuracy', targetMetric: 'accuracy' })).toBe(
      'methods.1 along rank 1 → 4 → 16: A_pre 91.0 → 71.0 → 51.0 (Spearman ρ -1.00), A_tgt 21.0 → 51.0 → 70.0 (ρ 1.00)',
    );
  });

  it('reads a loss trend in nats', () => {
    expect(trendText({ ...trend, aPre: [2.5, 2.25, 2], aTgt: [1, 1.5, 2] }, { metric: 'loss', targetMetric: 'loss' })).toContain('A_pre 2.500 → 2.250 → 2.000');
  });

  it('reads each side in its own metric: a language model fine-tuned into a classifier', () => {
    const mixed = { metric: 'loss', targetMetric: 'accuracy' } as const;
    expect(trendText({ ...trend, aPre: [2.5, 2.25, 2] }, mixed)).toContain('A_pre 2.500 → 2.250 → 2.000 (Spearman ρ -1.00), A_tgt 21.0 → 51.0 → 70.0');
    expect(verdictUnit(mixed)).toBe('A_pre: mean token loss in nats, A_tgt: accuracy in %');
    expect(verdictUnit({ metric: 'loss', targetMetric: 'loss' })).toBe('mean token loss in nats');
  });
});
