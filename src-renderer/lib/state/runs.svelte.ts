import type { RetainLabApi, RunSummary } from '../../../src-shared/api';
import { allPages } from '../../../src-shared/paging';
import { type ApiError, toApiError } from '../api/api-error';

/** Event subscription functions, injected so the store does not pick a transport itself. */
export interface RunEvents {
  onRunUpdated(listener: (run: RunSummary) => void): () => void;
  onReconnect(listener: () => void): () => void;
}

/** Every run, kept current by 'run-updated' events; the list is replaced whole on each change. */
export class RunsStore {
  runs = $state.raw<RunSummary[]>([]);
  error = $state.raw<ApiError | null>(null);
  loading = $state(false);

  // Runs updated by events while a load reads its pages: newer than what the pages may say.
  private fresh: Record<string, RunSummary> | null = null;

  constructor(
    private readonly api: RetainLabApi,
    events: RunEvents,
  ) {
    events.onRunUpdated((run) => this.upsert(run));
    events.onReconnect(() => void this.load());
  }

  /** Loads the list from the host; keeps the previous list and sets `error` if that fails. */
  async load(): Promise<void> {
    this.loading = true;
    // Without a prototype, so that no id can name one of Object's own members.
    const fresh: Record<string, RunSummary> = (this.fresh = Object.create(null) as Record<string, RunSummary>);
    try {
      const listed = await allPages(
        (page) => this.api.listRuns(page),
        (run) => run.id,
      );
      if (fresh !== this.fresh) return;
      const ids = Object.assign(Object.create(null) as Record<string, boolean>, Object.fromEntries(listed.map((run) => [run.id, true])));
      this.runs = [...listed.map((run) => fresh[run.id] ?? run), ...Object.values(fresh).filter((run) => !ids[run.id])];
      this.error = null;
    } catch (error) {
      this.error = toApiError(error);
    } finally {
      if (fresh === this.fresh) [this.fresh, this.loading] = [null, false];
    }
  }

  /** Inserts a run or replaces the stored one with the same id. */
  upsert(run: RunSummary): void {
    if (this.fresh) this.fresh[run.id] = run;
    const known = this.runs.some((r) => r.id === run.id);
    this.runs = known ? this.runs.map((r) => (r.id === run.id ? run : r)) : [...this.runs, run];
  }

  /** Drops deleted runs from the list. */
  remove(ids: readonly string[]): void {
    this.runs = this.runs.filter((r) => !ids.includes(r.id));
  }

  /** The run with this id, if listed. */
  byId(id: string): RunSummary | undefined {
    return this.runs.find((r) => r.id === id);
  }
}
