import type { AppState } from './app-state.svelte';
import { decodePageState, encodePageState, isNewHistoryEntry, type PageState } from './page-url';

// The chosen columns also outlive the URL (a new window, the app started again).
const COLUMNS_KEY = 'retainlab.runs.columns';

function readState(app: AppState): PageState {
  const t = app.runsTable;
  return {
    view: app.nav.view,
    search: t.search,
    filters: { ...t.filters },
    sortKey: t.sortKey,
    descending: t.descending,
    grouping: t.grouping,
    columns: [...t.columns],
    showArchived: t.showArchived,
    selection: [...app.selection.ids],
  };
}

function applyState(app: AppState, s: PageState): void {
  const t = app.runsTable;
  app.nav.view = s.view;
  t.search = s.search;
  t.filters = s.filters;
  t.sortKey = s.sortKey;
  t.descending = s.descending;
  t.grouping = s.grouping;
  t.columns = s.columns;
  t.showArchived = s.showArchived;
  app.selection.ids = s.selection;
}

function storedColumns(storage: Storage | null): string[] | null {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(COLUMNS_KEY) ?? 'null');
    return Array.isArray(parsed) && parsed.every((c) => typeof c === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * Keeps the page and the URL's hash in step: the hash is read at start and on back/forward (or an
 * edited URL), and rewritten on every change, a new history entry for a new view, filter, sort,
 * grouping or columns, the same entry for the search and the selection. Returns a stop function.
 */
export function syncWithUrl(app: AppState, win: Window = window): () => void {
  const storage = (() => {
    try {
      return win.localStorage;
    } catch {
      return null;
    }
  })();
  const fromUrl = () => {
    const state = decodePageState(win.location.hash);
    if (!/[?&]cols=/.test(win.location.hash)) state.columns = storedColumns(storage) ?? state.columns;
    applyState(app, state);
    // Complete this entry's hash now (stored columns, a corrected view): else the effect would read the
    // difference as a new step and push an entry, dropping the forward history that back just made.
    const hash = encodePageState(state);
    if (hash !== win.location.hash) win.history.replaceState(null, '', `${win.location.pathname}${win.location.search}${hash}`);
  };
  fromUrl();
  // The first write only completes the URL the page was opened with: no entry of its own.
  let first = true;
  win.addEventListener('popstate', fromUrl);
  win.addEventListener('hashchange', fromUrl);
  const stop = $effect.root(() => {
    $effect(() => {
      const state = readState(app);
      const hash = encodePageState(state);
      storage?.setItem(COLUMNS_KEY, JSON.stringify(state.columns));
      const opening = first;
      first = false;
      if (hash === win.location.hash) return;
      const url = `${win.location.pathname}${win.location.search}${hash}`;
      if (!opening && isNewHistoryEntry(decodePageState(win.location.hash), state)) win.history.pushState(null, '', url);
      else win.history.replaceState(null, '', url);
    });
  });
  return () => {
    stop();
    win.removeEventListener('popstate', fromUrl);
    win.removeEventListener('hashchange', fromUrl);
  };
}
