import type { Catalog, LaunchResult, RetainLabApi, StudyCheck } from '../../../src-shared/api';
import type { StudyConfig, StudyConfigInput } from '../../../src-shared/config';
import type { DatasetSummary, ImportedModelSummary } from '../../../src-shared/datasets';
import { libraryCompatibility } from '../../../src-shared/library-compat';
import { defaultParams, type ParamValues } from '../../../src-shared/params';
import { type ApiError, toApiError } from '../api/api-error';

/** The wizard's steps, in order. */
export const WIZARD_STEPS = ['Base model', 'Data & target', 'Methods', 'Budget', 'Review'] as const;

/** The study being composed in the wizard, started from the catalog's default study. */
export class WizardState {
  step = $state(0);
  /** Everything but the methods, bound field by field to the form. */
  draft: Omit<StudyConfig, 'methods'>;
  /** Ids of the checked methods. */
  chosen = $state<string[]>([]);
  /** Parameters of every method, checked or not, so unchecking and rechecking keeps edits. */
  params: Record<string, ParamValues>;
  /** For each checked method, the methods combined with it in the same run (e.g. LoRA with rehearsal, anything with WiSE-FT). */
  combos = $state<Record<string, string[]>>({});
  check = $state.raw<StudyCheck | null>(null);
  checkError = $state.raw<ApiError | null>(null);
  checking = $state(false);
  launching = $state(false);
  launchError = $state.raw<ApiError | null>(null);
  /** Inputs whose text is no valid value (seeds "0, 1, x", a learning rate of −1), by input id: "Seeds: “x” is not an integer". */
  invalidFields = $state<Record<string, string>>({});
  /** The first invalid input's problem, or null: while there is one the wizard neither moves on nor launches. */
  blocker = $derived(Object.values(this.invalidFields)[0] ?? null);

  /** The config exactly as it will be sent; methods in catalog order. */
  config: StudyConfigInput = $derived.by(() => ({
    ...$state.snapshot(this.draft),
    methods: this.catalog.methods
      .filter((m) => this.chosen.includes(m.id))
      .map((m) => ({
        id: m.id,
        params: $state.snapshot(this.params[m.id]),
        with: (this.combos[m.id] ?? []).map((id) => ({ id, params: $state.snapshot(this.params[id]) })),
      })),
  }));

  // Guards against an older check answering after a newer one.
  private checkSeq = 0;
  // The name the wizard gave the study itself; one the researcher typed is never replaced.
  private autoName: string;

  constructor(
    private readonly api: RetainLabApi,
    private readonly catalog: Catalog,
  ) {
    const { methods, ...rest } = structuredClone(catalog.defaultStudy);
    this.draft = $state(rest);
    this.autoName = rest.name;
    this.chosen = methods.map((m) => m.id);
    this.params = $state(
      Object.fromEntries(catalog.methods.map((m) => [m.id, { ...defaultParams(m.params), ...(methods.find((x) => x.id === m.id)?.params as ParamValues) }])),
    );
  }

  /**
   * Chooses the base model's recipe; when the chosen task does not suit it (a text model on digits),
   * the first task that does is chosen, with its data source's default settings.
   */
  chooseRecipe(recipe: string): void {
    if (this.draft.baseModel.imported) this.leaveImported();
    this.draft.baseModel.recipe = recipe as typeof this.draft.baseModel.recipe;
    const current = this.catalog.tasks.find((t) => t.id === this.draft.target.task);
    if (current?.recipes.includes(recipe)) return;
    const fitting = this.catalog.tasks.find((t) => t.recipes.includes(recipe));
    if (fitting) this.chooseTask(fitting.id);
  }

  /**
   * Starts from an imported model. Its study runs on library datasets: the pretrain dataset becomes
   * the first one the model fits (shape and classes), also the target until one is chosen; tables
   * are then used raw by default (the model was trained on its own preprocessing).
   */
  chooseImported(model: ImportedModelSummary, datasets: DatasetSummary[]): void {
    if (this.draft.baseModel.imported === model.id) return;
    this.draft.baseModel.imported = model.id;
    this.chooseTask('dataset');
    this.resetStandardize();
    const fits = datasets.find((d) => libraryCompatibility({ imported: model }, d, d, { standardize: false, minCharCount: 1 }).issues.length === 0);
    if (fits) this.chooseDatasets(fits, fits);
  }

  /** Back from an imported model to a recipe: the recipe's default for tables (standardised) applies again. */
  private leaveImported(): void {
    delete this.draft.baseModel.imported;
    this.resetStandardize();
  }

  // An absent `standardize` means the base model's default (`standardizes` in src-shared/config.ts).
  private resetStandardize(): void {
    if (this.draft.data.source === 'library') delete this.draft.data.standardize;
  }

  /** Chooses the pretrain and target datasets of a library study; a study name the wizard chose follows them ("pretrain → target"). */
  chooseDatasets(pretrain: DatasetSummary, target: DatasetSummary): void {
    if (this.draft.data.source === 'library') this.draft.data.pretrain = pretrain.id;
    this.draft.target.dataset = target.id;
    if (this.draft.name === this.autoName) this.draft.name = this.autoName = `${pretrain.name} → ${target.name}`;
  }

  /** Chooses the target task, switching the data to its source's defaults when the source changes; library datasets start as a control (target = pretrain). */
  chooseTask(task: string): void {
    this.draft.target.task = task as typeof this.draft.target.task;
    const source = this.catalog.tasks.find((t) => t.id === task)?.source;
    if (source && this.draft.data.source !== source) this.draft.data = structuredClone(this.catalog.dataDefaults[source]);
    if (this.draft.data.source === 'library') {
      this.draft.target.dataset ??= this.draft.data.pretrain;
      return;
    }
    delete this.draft.target.dataset;
    // A name made from the datasets no longer fits.
    if (this.draft.name === this.autoName) this.draft.name = this.autoName = this.catalog.defaultStudy.name;
  }

  /** An input says why its text is no valid value, or null once it is (or when it goes away with its step). */
  reportField(field: string, problem: string | null): void {
    if (problem) this.invalidFields[field] = problem;
    else delete this.invalidFields[field];
  }

  /** Checks or unchecks a method. */
  toggleMethod(id: string): void {
    this.chosen = this.chosen.includes(id) ? this.chosen.filter((x) => x !== id) : [...this.chosen, id];
  }

  /** Combines `partnerId` with `methodId` in the same run, or removes it. */
  toggleCombo(methodId: string, partnerId: string): void {
    const current = this.combos[methodId] ?? [];
    this.combos[methodId] = current.includes(partnerId) ? current.filter((x) => x !== partnerId) : [...current, partnerId];
  }

  /** Sets one parameter of one method. */
  setParam(methodId: string, key: string, value: ParamValues[string]): void {
    this.params[methodId][key] = value;
  }

  /** Asks the host whether the config is launchable and how many runs it makes. */
  async runCheck(config: StudyConfigInput): Promise<void> {
    const seq = ++this.checkSeq;
    this.checking = true;
    try {
      const check = await this.api.checkStudy(config);
      if (seq !== this.checkSeq) return;
      this.check = check;
      this.checkError = null;
    } catch (error) {
      if (seq !== this.checkSeq) return;
      this.check = null;
      this.checkError = toApiError(error);
    } finally {
      if (seq === this.checkSeq) this.checking = false;
    }
  }

  /** Launches the study; returns what was created, or null with `launchError` set. */
  async launch(): Promise<LaunchResult | null> {
    this.launching = true;
    this.launchError = null;
    try {
      return await this.api.launchStudy(this.config);
    } catch (error) {
      this.launchError = toApiError(error);
      return null;
    } finally {
      this.launching = false;
    }
  }
}
