import type { RunSummary } from '../../../src-shared/api';
import { fieldValues } from '../../../src-shared/run-query';

/** Columns the Runs table sorts by: its fixed columns, a headline metric or a config path. */
export type SortKey = 'created' | 'method' | 'seed' | 'status' | (string & {});

/** The value a run sorts by; null sorts last whichever the direction. */
export function sortValue(run: RunSummary, key: SortKey): string | number | null {
  switch (key) {
    case 'created':
      return run.createdAt;
    case 'method':
      return run.methodLabel;
    case 'seed':
      return run.seed;
    case 'status':
      return run.status;
    default: {
      // A metric, or a config value as a number where it is one (rank 4 before rank 16).
      const value = fieldValues(run, key)[0];
      if (value === undefined) return null;
      return typeof value === 'number' || (value.trim() !== '' && Number.isFinite(Number(value))) ? Number(value) : value;
    }
  }
}

/** Compares two sort values ascending; nulls last. */
export function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

/** The runs sorted by a column (stable, so equal values keep their previous order); nulls stay last. */
export function sortRuns(runs: readonly RunSummary[], key: SortKey, descending: boolean): RunSummary[] {
  return [...runs].sort((x, y) => {
    const a = sortValue(x, key),
      b = sortValue(y, key);
    if (a === null || b === null) return compareValues(a, b);
    return descending ? compareValues(b, a) : compareValues(a, b);
  });
}
