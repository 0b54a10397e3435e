import type { RunSummary } from '../../../src-shared/api';

/** Columns the Runs table sorts by. */
export type SortKey = 'created' | 'method' | 'seed' | 'status' | 'aPre' | 'aTgt' | 'retention' | 'forgetting' | 'targetGain' | 'cdAbs' | 'weightDistance';

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
    default:
      return (run.headline?.[key] as number | null | undefined) ?? null;
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
