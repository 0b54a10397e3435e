import type { RetainLabApi } from '../../../src-shared/api';
import type { DatasetSummary, ImportedModelSummary } from '../../../src-shared/datasets';
import { toApiError, type ApiError } from '../api/api-error';

/** The dataset library and imported base models as the Datasets view shows them; lists are replaced whole. */
export class DatasetLibrary {
  datasets = $state.raw<DatasetSummary[]>([]);
  models = $state.raw<ImportedModelSummary[]>([]);
  error = $state.raw<ApiError | null>(null);
  loaded = $state(false);

  constructor(private readonly api: RetainLabApi) {}

  /** Reloads both lists. */
  async load(): Promise<void> {
    try {
      [this.datasets, this.models] = await Promise.all([this.api.listDatasets(), this.api.listImportedModels()]);
      this.error = null;
    } catch (err) {
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
