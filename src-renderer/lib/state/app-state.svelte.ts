import { createContext } from 'svelte';
import type { RetainLabApi } from '../../../src-shared/api';
import { CatalogStore } from './catalog.svelte';
import { DatasetLibrary } from './dataset-library.svelte';
import { Navigation } from './navigation.svelte';
import { type RunEvents, RunsStore } from './runs.svelte';
import { RunsTableState } from './runs-table.svelte';
import { Selection } from './selection.svelte';
import { StudyControl } from './study-control.svelte';
import { WizardState } from './wizard.svelte';

/** All shared state of the window, created once by App and reached by views through context. */
export class AppState {
  readonly nav = new Navigation();
  readonly selection = new Selection();
  readonly runsTable = new RunsTableState();
  readonly api: RetainLabApi;
  readonly catalog: CatalogStore;
  readonly runs: RunsStore;
  /** Studies' progress and the queue's state, for the study panel of the Runs view. */
  readonly studies: StudyControl;
  /** The dataset library and imported models: the Datasets view manages them, the wizard picks from them. */
  readonly library: DatasetLibrary;
  /** Exists once the catalog has loaded, since the wizard starts from its default study. */
  readonly wizard: WizardState | null;

  constructor(api: RetainLabApi, events: RunEvents) {
    this.api = api;
    this.catalog = new CatalogStore(api);
    this.runs = new RunsStore(api, events);
    this.studies = new StudyControl(api, events, this.runs);
    this.library = new DatasetLibrary(api);
    this.wizard = $derived(this.catalog.catalog ? new WizardState(api, this.catalog.catalog) : null);
  }
}

/** Getter and setter of the AppState context. */
export const [getAppState, setAppState] = createContext<AppState>();
