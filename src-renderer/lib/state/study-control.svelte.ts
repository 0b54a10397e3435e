import type { QueueStatus, RetainLabApi, RunStatus, StudyProgress } from '../../../src-shared/api';
import { allPages } from '../../../src-shared/paging';
import { type ApiError, toApiError } from '../api/api-error';
import { runsBehind, studyActive } from '../runs/study-panel';
import type { RunEvents, RunsStore } from './runs.svelte';

/** At most one reload per this many ms however many runs change (progress events come many a second). */
const THROTTLE_MS = 500;
/** While a run is active the ETA changes without any run event: reload this often. */
const POLL_MS = 3_000;
/** With nothing active, reload every this many polls: a study another process launches sends no event while the queue is paused. */
const IDLE_POLLS = 5;

/** Studies' progress and the store's queue, as the study panel shows them, and the actions on them. */
export class StudyControl {
  studies = $state.raw<StudyProgress[]>([]);
  queue = $state.raw<QueueStatus | null>(null);
  error = $state.raw<ApiError | null>(null);

  private pending: ReturnType<typeof setTimeout> | null = null;
  // Only the newest load may set the lists, or an answer arriving late would undo a newer one.
  private loadSeq = 0;

  constructor(
    private readonly api: RetainLabApi,
    private readonly events: RunEvents,
    private readonly runs: RunsStore,
  ) {}

  /** Whether any study has a queued or running run. */
  get active(): boolean {
    return this.studies.some(studyActive);
  }

  /** Keeps the lists current while a view shows them; returns the function that stops it. */
  watch(): () => void {
    void this.load();
    // Progress events (several a second per engine) change no count: only a run's status does; the poll keeps the ETA current.
    const statuses: Record<string, RunStatus> = {};
    const offUpdated = this.events.onRunUpdated((run) => {
      if (statuses[run.id] === run.status) return;
      statuses[run.id] = run.status;
      this.schedule();
    });
    const offReconnect = this.events.onReconnect(() => this.schedule());
    let polls = 0;
    const timer = setInterval(() => {
      if (this.active || ++polls % IDLE_POLLS === 0) void this.load();
    }, POLL_MS);
    return () => {
      offUpdated();
      offReconnect();
      clearInterval(timer);
      if (this.pending) clearTimeout(this.pending);
      this.pending = null;
    };
  }

  /** Reloads the studies and the queue state (and the run list when it lacks runs they count); keeps the previous ones and sets `error` if that fails. */
  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    try {
      const [studies, queue] = await Promise.all([
        allPages(
          (page) => this.api.listStudies(page),
          (item) => item.id,
        ),
        this.api.queueStatus(),
      ]);
      if (seq !== this.loadSeq) return;
      [this.studies, this.queue] = [studies, queue];
      this.error = null;
      if (runsBehind(studies, this.runs.runs)) void this.runs.load();
    } catch (err) {
      if (seq === this.loadSeq) this.error = toApiError(err);
    }
  }

  /** Pauses (no new run starts, in any process on the store) or resumes the queue. */
  async setPaused(paused: boolean): Promise<void> {
    await this.act(() => this.api.setQueue({ paused }));
  }

  /** Sets how many runs this host trains at once. */
  async setParallel(parallel: number): Promise<void> {
    await this.act(() => this.api.setQueue({ parallel }));
  }

  /** Cancels every queued and running run of a study. */
  async cancelStudy(studyId: string): Promise<void> {
    await this.act(() => this.api.cancelStudy(studyId));
  }

  private schedule(): void {
    this.pending ??= setTimeout(() => {
      this.pending = null;
      void this.load();
    }, THROTTLE_MS);
  }

  private async act(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
      await this.load();
    } catch (err) {
      this.error = toApiError(err);
    }
  }
}
