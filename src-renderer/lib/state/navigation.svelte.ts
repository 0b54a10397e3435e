/** The top-level views, in tab order. */
export const VIEWS = [
  { id: 'new-study', label: 'New study' },
  { id: 'runs', label: 'Runs' },
  { id: 'compare', label: 'Compare' },
  { id: 'datasets', label: 'Datasets' },
] as const;

/** Id of a top-level view. */
export type ViewId = (typeof VIEWS)[number]['id'];

/** Which view is shown; views switch it (Launch → Runs, Compare selected → Compare). */
export class Navigation {
  view = $state<ViewId>('new-study');
}
