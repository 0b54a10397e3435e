import { DEFAULT_COLUMNS } from '../runs/columns';
import { NO_FILTERS, type RunFilters } from '../runs/filter';
import { VIEWS, type ViewId } from './navigation.svelte';
import type { RunGrouping } from './runs-table.svelte';

// What the page shows, as the URL's hash (`#/runs?q=retention>0.9&sort=-retention&sel=a,b`): a hash
// works for file:// in Electron as well as in browser mode, where the query carries the session token.

/** Everything the page remembers across reloads, back/forward and shared links. */
export interface PageState {
  view: ViewId;
  search: string;
  filters: RunFilters;
  sortKey: string;
  descending: boolean;
  grouping: RunGrouping;
  columns: string[];
  showArchived: boolean;
  selection: string[];
}

/** The page as it opens without a hash. */
export const DEFAULT_PAGE: PageState = {
  view: 'new-study',
  search: '',
  filters: { ...NO_FILTERS },
  sortKey: 'method',
  descending: false,
  grouping: 'study',
  columns: [...DEFAULT_COLUMNS],
  showArchived: false,
  selection: [],
};

const GROUPINGS: RunGrouping[] = ['study', 'seeds', 'none'];
const FILTER_KEYS = Object.keys(NO_FILTERS) as (keyof RunFilters)[];
const list = (value: string | null) => (value ? value.split(',').filter(Boolean) : []);
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The hash of a page state; settings at their default are left out so links stay short. */
export function encodePageState(state: PageState): string {
  const q = new URLSearchParams();
  if (state.search) q.set('q', state.search);
  for (const key of FILTER_KEYS) if (state.filters[key]) q.set(key, state.filters[key]);
  if (state.sortKey !== DEFAULT_PAGE.sortKey || state.descending) q.set('sort', `${state.descending ? '-' : ''}${state.sortKey}`);
  if (state.grouping !== DEFAULT_PAGE.grouping) q.set('group', state.grouping);
  if (!sameList(state.columns, DEFAULT_PAGE.columns)) q.set('cols', state.columns.join(','));
  if (state.showArchived) q.set('archived', '1');
  if (state.selection.length) q.set('sel', state.selection.join(','));
  const query = q.toString();
  return `#/${state.view}${query ? `?${query}` : ''}`;
}

/** The page state a hash describes; what it leaves out or gets wrong stays at its default. */
export function decodePageState(hash: string): PageState {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split(/\?(.*)/s, 2);
  const q = new URLSearchParams(query);
  const sort = q.get('sort') ?? '';
  const grouping = q.get('group') as RunGrouping;
  return {
    view: VIEWS.find((v) => v.id === path)?.id ?? DEFAULT_PAGE.view,
    search: q.get('q') ?? '',
    filters: Object.fromEntries(FILTER_KEYS.map((key) => [key, q.get(key) ?? ''])) as unknown as RunFilters,
    sortKey: sort.replace(/^-/, '') || DEFAULT_PAGE.sortKey,
    descending: sort.startsWith('-'),
    grouping: GROUPINGS.includes(grouping) ? grouping : DEFAULT_PAGE.grouping,
    columns: q.has('cols') ? list(q.get('cols')) : [...DEFAULT_PAGE.columns],
    showArchived: q.get('archived') === '1',
    selection: list(q.get('sel')),
  };
}

/**
 * Whether going from one state to the next is a step worth a history entry (back returns to it):
 * another view, filter, sort, grouping or columns. Typing in the search and picking runs only
 * update the current entry.
 */
export function isNewHistoryEntry(from: PageState, to: PageState): boolean {
  const settled = (s: PageState) => encodePageState({ ...s, search: '', selection: [] });
  return settled(from) !== settled(to);
}
