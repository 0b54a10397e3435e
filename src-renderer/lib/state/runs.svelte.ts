import type { RetainLabApi, RunSummary } from '../../../src-shared/api';
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
    try {
      this.runs = await this.api.listRuns();
      this.error = null;
    } catch (error) {
      this.error = toApiError(error);
    } finally {
      this.loading = false;
    }
  }

  /** Inserts a run or replaces the stored one with the same id. */
  upsert(run: RunSummary): void {
    const known = this.runs.some((r) => r.id === run.id);
    this.runs = known ? this.runs.map((r) => (r.id === run.id ? run : r)) : [...this.runs, run];
  }

  /** The run with this id, if listed. */
  byId(id: string): RunSummary | undefined {
    return this.runs.find((r) => r.id === id);
  }
}
