import { describe, expect, it } from 'vitest';
import { decodePageState, DEFAULT_PAGE, encodePageState, isNewHistoryEntry, type PageState } from '../../src-renderer/lib/state/page-url';

const busy: PageState = {
  view: 'runs',
  search: 'retention>0.9 studyName="Digits study"',
  filters: { method: 'lora', recipe: '', task: '', status: 'completed', tag: 'to-check' },
  sortKey: 'retention',
  descending: true,
  grouping: 'seeds',
  columns: ['retention', 'method.params.rank', 'budget.learningRate'],
  showArchived: true,
  selection: ['run-a', 'run-b'],
};

describe('the page state in the URL hash', () => {
  it('comes back whole from its hash (search with quotes and operators, filters, sort, columns, selection)', () => {
    expect(decodePageState(encodePageState(busy))).toEqual(busy);
  });

  it('leaves defaults out, so the opening page is just its view', () => {
    expect(encodePageState(DEFAULT_PAGE)).toBe('#/new-study');
    expect(encodePageState({ ...DEFAULT_PAGE, view: 'compare', selection: ['x'] })).toBe('#/compare?sel=x');
  });

  it('reads a missing, foreign or damaged hash as the defaults of what it gets wrong', () => {
    expect(decodePageState('')).toEqual(DEFAULT_PAGE);
    expect(decodePageState('#section-2')).toEqual(DEFAULT_PAGE);
    expect(decodePageState('#/runs?group=sideways&sort=&sel=,,a')).toEqual({ ...DEFAULT_PAGE, view: 'runs', selection: ['a'] });
  });

  it('takes a new view, filter, sort or column as a history step, and typing or picking runs as the same step', () => {
    expect(isNewHistoryEntry(busy, { ...busy, view: 'compare' })).toBe(true);
    expect(isNewHistoryEntry(busy, { ...busy, descending: false })).toBe(true);
    expect(isNewHistoryEntry(busy, { ...busy, columns: ['aPre'] })).toBe(true);
    expect(isNewHistoryEntry(busy, { ...busy, filters: { ...busy.filters, tag: '' } })).toBe(true);
    expect(isNewHistoryEntry(busy, { ...busy, search: 'retention>0.' })).toBe(false);
    expect(isNewHistoryEntry(busy, { ...busy, selection: [] })).toBe(false);
  });
});
