import type { BaseModelSummary, Catalog, RetainLabApi } from '../../../src-shared/api';
import { type ApiError, toApiError } from '../api/api-error';

/** What the wizard offers (methods, recipes, tasks, backends) and the stored base models. */
export class CatalogStore {
  catalog = $state.raw<Catalog | null>(null);
  error = $state.raw<ApiError | null>(null);
  baseModels = $state.raw<BaseModelSummary[]>([]);
  baseModelsError = $state.raw<ApiError | null>(null);

  // The catalog's last load, for whoever needs the catalog before going on.
  private catalogLoad: Promise<void> | null = null;

  constructor(private readonly api: RetainLabApi) {}

  /** Loads the catalog and the base models; failures land in `error` / `baseModelsError`. */
  async load(): Promise<void> {
    await Promise.all([this.loadCatalog(), this.loadBaseModels()]);
  }

  /** The catalog once its load under way ends (one is started when none is, or the last failed); null when it failed, with `error` saying why. */
  async loaded(): Promise<Catalog | null> {
    if (!this.catalog) await (this.catalogLoad && !this.error ? this.catalogLoad : this.loadCatalog());
    return this.catalog;
  }

  private loadCatalog(): Promise<void> {
    this.catalogLoad = this.fetchCatalog();
    return this.catalogLoad;
  }

  private async fetchCatalog(): Promise<void> {
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
