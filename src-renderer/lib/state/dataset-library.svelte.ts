import type { RetainLabApi } from '../../../src-shared/api';
import type { DatasetSummary, ImportedModelSummary } from '../../../src-shared/datasets';
import { allPages } from '../../../src-shared/paging';
import { toApiError, type ApiError } from '../api/api-error';

/** The dataset library and imported base models as the Datasets view shows them; lists are replaced whole. */
export class DatasetLibrary {
  datasets = $state.raw<DatasetSummary[]>([]);
  models = $state.raw<ImportedModelSummary[]>([]);
  error = $state.raw<ApiError | null>(null);
  loaded = $state(false);

  // Views load on their own (the wizard when shown, the Datasets view after an import): only the
  // newest load may set the lists, or an older answer arriving late would undo an import.
  private loadSeq = 0;

  constructor(private readonly api: RetainLabApi) {}

  /** Reloads both lists. */
  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    try {
      const [datasets, models] = await Promise.all([
        allPages(
          (page) => this.api.listDatasets(page),
          (item) => item.id,
        ),
        this.api.listImportedModels(),
      ]);
      if (seq !== this.loadSeq) return;
      [this.datasets, this.models] = [datasets, models];
      this.error = null;
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.error = toApiError(err);
    }
    this.loaded = true;
  }

  /** Renames a dataset; the error (a taken name) is shown, not thrown. */
  async rename(id: string, name: string): Promise<void> {
    await this.act(() => this.api.renameDataset(id, name));
  }

  /** Deletes a dataset; a refusal (runs use it) is shown, not thrown. */
  async remove(id: string): Promise<void> {
    await this.act(() => this.api.deleteDataset(id));
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
