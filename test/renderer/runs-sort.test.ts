import { describe, expect, it } from 'vitest';
import { compareValues, sortRuns, sortValue } from '../../src-renderer/lib/runs/sort';
import { headline, summary } from './run-fixtures';

const runs = [
  summary({
    id: 'a',
    methodId: 'wise-ft',
    methodLabel: 'WiSE-FT',
    seed: 10,
    status: 'completed',
    createdAt: '2026-01-02T00:00:00.000Z',
    headline: headline(0.7, 0.6),
  }),
  summary({ id: 'b', methodId: 'vanilla', seed: 9, status: 'running', createdAt: '2026-01-03T00:00:00.000Z', headline: null }),
  summary({
    id: 'c',
    methodId: 'l2-sp',
    methodLabel: 'L2-SP',
    seed: 2,
    status: 'failed',
    createdAt: '2026-01-01T00:00:00.000Z',
    headline: headline(0.85, 0.4),
  }),
  summary({
    id: 'd',
    methodId: 'ewc',
    methodLabel: 'EWC',
    seed: 1,
    status: 'completed',
    createdAt: '2026-01-04T00:00:00.000Z',
    headline: { ...headline(0.8, 0.5), retention: null },
  }),
];

const order = (key: Parameters<typeof sortRuns>[1], descending = false) => sortRuns(runs, key, descending).map((r) => r.id);

describe('sorting the Runs table', () => {
  it('sorts by creation time, method label, seed (as a number, 10 after 9) and status', () => {
    expect(order('created')).toEqual(['c', 'a', 'b', 'd']);
    expect(order('created', true)).toEqual(['d', 'b', 'a', 'c']);
    expect(order('method')).toEqual(['d', 'c', 'b', 'a']);
    expect(order('seed')).toEqual(['d', 'c', 'b', 'a']);
    expect(order('seed', true)).toEqual(['a', 'b', 'c', 'd']);
    expect(order('status')).toEqual(['a', 'd', 'c', 'b']);
  });

  it('sorts by a headline metric, putting runs without it last in either direction', () => {
    expect(order('aPre')).toEqual(['a', 'd', 'c', 'b']);
    expect(order('aPre', true)).toEqual(['c', 'd', 'a', 'b']);
    // d has a headline but no retention, b has no headline at all: both last, in their previous order.
    expect(order('retention')).toEqual(['a', 'c', 'b', 'd']);
    expect(order('retention', true)).toEqual(['c', 'a', 'b', 'd']);
  });

  it('keeps the previous order of equal values in both directions (stable)', () => {
    const tied = ['x', 'y', 'z'].map((id) => summary({ id, headline: headline(0.8, 0.5) }));
    expect(sortRuns(tied, 'aPre', false).map((r) => r.id)).toEqual(['x', 'y', 'z']);
    expect(sortRuns(tied, 'aPre', true).map((r) => r.id)).toEqual(['x', 'y', 'z']);
    expect(sortRuns(tied, 'method', true).map((r) => r.id)).toEqual(['x', 'y', 'z']);
  });

  it('does not change the array it is given', () => {
    const before = runs.map((r) => r.id);
    sortRuns(runs, 'seed', true);
    expect(runs.map((r) => r.id)).toEqual(before);
  });

  it('reads each key from the run', () => {
    const [a, b] = runs;
    expect(sortValue(a, 'created')).toBe('2026-01-02T00:00:00.000Z');
    expect(sortValue(a, 'method')).toBe('WiSE-FT');
    expect(sortValue(a, 'seed')).toBe(10);
    expect(sortValue(a, 'status')).toBe('completed');
    expect(sortValue(a, 'targetGain')).toBeCloseTo(0.5, 12);
    expect(sortValue(b, 'weightDistance')).toBeNull();
  });

  it('compares numbers numerically, strings by locale and nulls as largest', () => {
    expect(compareValues(9, 10)).toBeLessThan(0);
    expect(compareValues('9', '10')).toBeGreaterThan(0);
    expect(compareValues('ewc', 'EWC')).not.toBeNaN();
    expect(compareValues(null, 0)).toBe(1);
    expect(compareValues(0, null)).toBe(-1);
    expect(compareValues(null, null)).toBe(0);
  });
});

describe('sorting by a chosen column', () => {
  it('orders a numeric config path as numbers (rank 4 before 16), runs without it last', () => {
    const ranks = [
      summary({ id: 'r16', methodId: 'lora', params: { rank: 16 } }),
      summary({ id: 'plain', methodId: 'vanilla' }),
      summary({ id: 'r4', methodId: 'lora', params: { rank: 4 } }),
    ];
    expect(sortRuns(ranks, 'method.params.rank', false).map((r) => r.id)).toEqual(['r4', 'r16', 'plain']);
    expect(sortRuns(ranks, 'rank', true).map((r) => r.id)).toEqual(['r16', 'r4', 'plain']);
  });

  it('orders by any headline metric, cdCond too', () => {
    const runs2 = [
      summary({ id: 'a', headline: { ...headline(0.8, 0.6), cdCond: 0.2 } }),
      summary({ id: 'b', headline: { ...headline(0.8, 0.6), cdCond: 0.1 } }),
    ];
    expect(sortRuns(runs2, 'cdCond', false).map((r) => r.id)).toEqual(['b', 'a']);
  });
});
