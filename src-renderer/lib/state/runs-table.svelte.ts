import { DEFAULT_COLUMNS } from '../runs/columns';
import { NO_FILTERS, type RunFilters } from '../runs/filter';
import type { SortKey } from '../runs/sort';

/** How the Runs table groups its rows. */
export type RunGrouping = 'study' | 'seeds' | 'none';

/** The Runs table's view settings; kept while switching tabs. */
export class RunsTableState {
  search = $state('');
  filters = $state<RunFilters>({ ...NO_FILTERS });
  sortKey = $state<SortKey>('method');
  descending = $state(false);
  grouping = $state<RunGrouping>('study');
  /** The chosen columns after the fixed ones: metric keys and config paths. */
  columns = $state.raw<string[]>([...DEFAULT_COLUMNS]);
  showArchived = $state(false);

  /** Sorts by a column; the same column again flips the direction. */
  sortBy(key: SortKey): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = key === 'created';
    }
  }

  /** Shows a column (at the end) or hides it. */
  toggleColumn(key: string): void {
    this.columns = this.columns.includes(key) ? this.columns.filter((c) => c !== key) : [...this.columns, key];
  }

  /** Clears the search and every filter. */
  reset(): void {
    this.search = '';
    this.filters = { ...NO_FILTERS };
  }
}
