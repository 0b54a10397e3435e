import type { BaseModelSummary, Catalog, RetainLabApi } from '../../../src-shared/api';
import { type ApiError, toApiError } from '../api/api-error';

/** What the wizard offers (methods, recipes, tasks, backends) and the stored base models. */
export class CatalogStore {
  catalog = $state.raw<Catalog | null>(null);
  error = $state.raw<ApiError | null>(null);
  baseModels = $state.raw<BaseModelSummary[]>([]);
  baseModelsError = $state.raw<ApiError | null>(null);

  constructor(private readonly api: RetainLabApi) {}

  /** Loads the catalog and the base models; failures land in `error` / `baseModelsError`. */
  async load(): Promise<void> {
    await Promise.all([this.loadCatalog(), this.loadBaseModels()]);
  }

  private async loadCatalog(): Promise<void> {
    try {
      this.catalog = await this.api.catalog();
      this.error = null;
    } catch (error) {
      this.error = toApiError(error);
    }
  }

  /** Reloads only the base models (after a launch), keeping the catalog and thus the wizard's edits. */
  async loadBaseModels(): Promise<void> {
    try {
      this.baseModels = await this.api.listBaseModels();
      this.baseModelsError = null;
    } catch (error) {
      this.baseModelsError = toApiError(error);
    }
  }
}
