import type { RetainLabApi } from '../../../src-shared/api';
import type { DatasetPreview, DatasetSummary, ImportOptions, ImportProgress, ImportSource } from '../../../src-shared/datasets';
import { toApiError, type ApiError } from '../api/api-error';
import type { DroppedFile } from '../api/transport';

type Stage = (files: DroppedFile[], folder: string, onProgress: (sent: number, total: number) => void) => Promise<ImportSource>;
type Subscribe = (listener: (p: ImportProgress) => void) => () => void;

/** One import from drop to library: stage the files, preview, adjust the options, import with progress. */
export class ImportFlow {
  /** What was dropped, for the heading. */
  label = $state('');
  phase = $state<'idle' | 'uploading' | 'previewing' | 'ready' | 'importing' | 'done'>('idle');
  uploadFraction = $state(0);
  preview = $state.raw<DatasetPreview | null>(null);
  options = $state<ImportOptions>({});
  progress = $state.raw<ImportProgress | null>(null);
  error = $state.raw<ApiError | null>(null);
  imported = $state.raw<DatasetSummary | null>(null);
  private source: ImportSource | null = null;

  constructor(
    private readonly api: RetainLabApi,
    private readonly stage: Stage,
    private readonly onProgress: Subscribe,
  ) {}

  /** Stages dropped files and previews them with default options. */
  async start(files: DroppedFile[]): Promise<void> {
    this.reset();
    this.label = files.length === 1 ? files[0].path : `${files[0].path.split('/')[0]}${files[0].path.includes('/') ? '/' : ''} (${files.length} files)`;
    this.phase = 'uploading';
    try {
      this.source = await this.stage(files, 'dataset', (sent, total) => (this.uploadFraction = total ? sent / total : 1));
    } catch (err) {
      this.fail(err);
      return;
    }
    await this.refresh();
  }

  /** Previews again with the current options (after a label column, size or split change). */
  async refresh(): Promise<void> {
    if (!this.source) return;
    this.phase = 'previewing';
    this.error = null;
    try {
      this.preview = await this.api.previewDataset(this.source, $state.snapshot(this.options));
      this.options.name ??= this.preview.suggestedName;
      this.phase = 'ready';
    } catch (err) {
      // Keep the last good preview so its controls stay to fix the choice that failed.
      this.fail(err, this.preview ? 'ready' : 'idle');
    }
  }

  /** Imports with the confirmed options, following its progress events. */
  async run(): Promise<DatasetSummary | null> {
    if (!this.source) return null;
    const jobId = `job-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`;
    this.phase = 'importing';
    this.progress = null;
    const off = this.onProgress((p) => {
      if (p.jobId === jobId) this.progress = p;
    });
    try {
      this.imported = await this.api.importDataset(this.source, $state.snapshot(this.options), jobId);
      this.phase = 'done';
      this.source = null;
      return this.imported;
    } catch (err) {
      this.fail(err, 'ready');
      return null;
    } finally {
      off();
    }
  }

  /** Back to an empty drop zone. */
  reset(): void {
    this.phase = 'idle';
    this.preview = null;
    this.options = {};
    this.progress = null;
    this.error = null;
    this.imported = null;
    this.source = null;
    this.uploadFraction = 0;
  }

  private fail(err: unknown, phase: ImportFlow['phase'] = 'idle'): void {
    this.error = toApiError(err);
    this.phase = phase;
  }
}
