import type { Catalog, LaunchResult, RetainLabApi, StudyCheck } from '../../../src-shared/api';
import type { StudyConfig, StudyConfigInput } from '../../../src-shared/config';
import type { DatasetSummary, ImportedModelSummary } from '../../../src-shared/datasets';
import { libraryCompatibility } from '../../../src-shared/library-compat';
import { generalitySetsFor, type GeneralitySetId } from '../../../src-shared/generality';
import { importedFits } from '../datasets/model-facts';
import { ApiError, toApiError } from '../api/api-error';
import type { SweepDraft } from '../wizard/sweep-field';
import {
  defaultEntry,
  entriesOf,
  type MethodDraft,
  movedLast,
  partnerParams,
  readStudyFile,
  type StudyDraft,
  studyToWizard,
  withoutEntry,
  wizardMethods,
} from '../wizard/study-draft';

/** The wizard's steps, in order. */
export const WIZARD_STEPS = ['Base model', 'Data & target', 'Methods', 'Budget', 'Review'] as const;

/** The study being composed in the wizard, started from the catalog's default study. */
export class WizardState {
  step = $state(0);
  /** Everything but the methods, bound field by field to the form; replaced whole when a study is opened. */
  draft: StudyDraft;
  /** Ids of the checked methods. */
  chosen = $state<string[]>([]);
  /**
   * The entries of every method, checked or not (so unchecking and rechecking keeps edits), in launch order:
   * each with its parameters (fixed or swept) and the methods combined with it in the same run.
   */
  entries: MethodDraft[];
  check = $state.raw<StudyCheck | null>(null);
  checkError = $state.raw<ApiError | null>(null);
  checking = $state(false);
  launching = $state(false);
  launchError = $state.raw<ApiError | null>(null);
  /** Inputs whose text is no valid value (seeds "0, 1, x", a learning rate of −1), by input id: "Seeds: “x” is not an integer". */
  invalidFields = $state<Record<string, string>>({});
  /** The first invalid input's problem, or null: while there is one the wizard neither moves on nor launches. */
  blocker = $derived(Object.values(this.invalidFields)[0] ?? null);

  /** The config exactly as it will be sent (and saved); methods in the order of the opened file, then in the order checked or added. */
  config: StudyConfigInput = $derived.by(
    () =>
      // A validated study's swept fields hold values of any parameter type; the input type names a numeric field's as numbers.
      ({
        ...$state.snapshot(this.draft),
        methods: $state.snapshot(wizardMethods(this.chosen, this.entries)),
      }) as StudyConfigInput,
  );
  /** Why the last study file or cloned study could not be opened, field by field; null once one was. */
  openError = $state.raw<ApiError | null>(null);
  /** The run count the researcher confirmed for a study over the host's limit; a check with another count asks again. */
  confirmedRuns = $state<number | null>(null);

  // Guards against an older check answering after a newer one.
  private checkSeq = 0;
  // The name the wizard gave the study itself; one the researcher typed is never replaced.
  private autoName: string | null;
  /** The name of the imported model chosen last (names a study of it). */
  private importedName: string | null = null;

  constructor(
    private readonly api: RetainLabApi,
    private readonly catalog: Catalog,
  ) {
    const content = studyToWizard(catalog.defaultStudy, catalog);
    this.draft = $state(content.draft);
    this.entries = $state(content.entries);
    this.chosen = content.chosen;
    this.autoName = content.draft.name;
  }

  /** Fills every step from a study (an opened file, a cloned study), back on the first step; its name is kept as the researcher's own. */
  load(study: StudyConfig): void {
    const content = studyToWizard(study, this.catalog);
    this.draft = content.draft;
    this.entries = content.entries;
    this.chosen = content.chosen;
    this.autoName = null;
    this.invalidFields = {};
    this.check = null;
    this.confirmedRuns = null;
    this.launchError = null;
    this.openError = null;
    this.step = 0;
  }

  /** Opens a saved study file into the wizard; false, with `openError` naming each bad field, when it is no study. */
  open(text: string, fileName: string): boolean {
    const read = readStudyFile(text, this.catalog);
    if ('study' in read) {
      this.load(read.study);
      return true;
    }
    this.openError = new ApiError({ name: 'ValidationError', message: `${fileName} is no study the wizard can open.`, issues: read.problems });
    return false;
  }

  /** Opens a stored study into the wizard to launch it again or edit it; false, with `openError` set, when it cannot be. */
  async clone(studyId: string): Promise<boolean> {
    try {
      const stored = await this.api.getStudy(studyId);
      if (!stored.config) {
        this.openError = new ApiError({
          name: 'ValidationError',
          message: `The study “${stored.name}” was launched from run configs (a bundle's runs.json), not from a study: there is no study to edit. Launch the bundle again with \`retainlab run\`.`,
        });
        return false;
      }
      // Checked as a file is: a study stored by an older version gets today's defaults, or says which field no longer fits.
      if (!this.open(JSON.stringify(stored.config), `The stored study “${stored.name}”`)) return false;
      // A clone is a new study: it says so until renamed.
      this.draft.name = `${stored.name} (copy)`.slice(0, 200);
      return true;
    } catch (error) {
      this.openError = toApiError(error);
      return false;
    }
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
    this.importedName = model.name;
    // A Hugging Face LM head is tied to the token embeddings: LoRA has no head kernel to adapt, so its adapters go on the blocks only.
    if (model.format === 'huggingface')
      for (const entry of this.entries)
        for (const part of [entry, ...entry.with]) if (part.id === 'lora' && part.params.head === 'lora') part.params.head = 'frozen';
    // A GPT-2 checkpoint reads the built-in text (its first language-model task); any other model datasets of the library.
    const task = this.catalog.tasks.find((t) => importedFits(model, t));
    this.chooseTask(task?.id ?? 'dataset');
    if (task && task.source !== 'library') return;
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
    // A generality suite keeps the sets the new task can still be measured on.
    const fits = generalitySetsFor(this.draft.target.task).map((s) => s.id);
    const kept = this.draft.generality?.filter((id) => fits.includes(id)) ?? [];
    if (kept.length) this.draft.generality = kept;
    else delete this.draft.generality;
    const source = this.catalog.tasks.find((t) => t.id === task)?.source;
    if (source && this.draft.data.source !== source) this.draft.data = structuredClone(this.catalog.dataDefaults[source]);
    if (this.draft.data.source === 'library') {
      this.draft.target.dataset ??= this.draft.data.pretrain;
      return;
    }
    delete this.draft.target.dataset;
    // A name made from the datasets no longer fits.
    // An imported checkpoint on the built-in text: "gpt2 → Moby Dick → modern addresses".
    const label = this.catalog.tasks.find((t) => t.id === task)?.label;
    const name = this.draft.baseModel.imported && this.importedName && label ? `${this.importedName}: ${label}` : this.catalog.defaultStudy.name;
    if (this.draft.name === this.autoName) this.draft.name = this.autoName = name;
  }

  /** Adds a set to the generality suite, or takes it out (no set left: no suite). */
  toggleGenerality(id: GeneralitySetId): void {
    const sets = this.draft.generality ?? [];
    const next = sets.includes(id) ? sets.filter((s) => s !== id) : [...sets, id];
    if (next.length) this.draft.generality = next;
    else delete this.draft.generality;
  }

  /** An input says why its text is no valid value, or null once it is (or when it goes away with its step). */
  reportField(field: string, problem: string | null): void {
    if (problem) this.invalidFields[field] = problem;
    else delete this.invalidFields[field];
  }

  /** The entries of one method, as its card shows them. */
  entriesOf(methodId: string): MethodDraft[] {
    return entriesOf(this.entries, methodId);
  }

  /** Checks a method (its entries then launch after those already chosen) or unchecks it. */
  toggleMethod(id: string): void {
    if (this.chosen.includes(id)) {
      this.chosen = this.chosen.filter((x) => x !== id);
      return;
    }
    this.entries = movedLast(this.entries, id);
    this.chosen = [...this.chosen, id];
  }

  /** Adds another entry of a method, a copy of its last one, to be run with other settings; it launches last. */
  addEntry(methodId: string): void {
    const last = this.entriesOf(methodId).at(-1);
    this.entries.push(structuredClone(last ? $state.snapshot(last) : defaultEntry(this.catalog, methodId)));
  }

  /** Removes one entry of a method; removing the last one unchecks the method (its settings are kept for rechecking). */
  removeEntry(methodId: string, index: number): void {
    if (this.entriesOf(methodId).length > 1) this.entries = withoutEntry(this.entries, methodId, index);
    else this.chosen = this.chosen.filter((x) => x !== methodId);
  }

  /** Combines `partnerId` with one entry of `methodId` in the same run (with the partner's default parameters), or removes it. */
  toggleCombo(methodId: string, index: number, partnerId: string): void {
    const entry = this.entriesOf(methodId)[index];
    const at = entry.with.findIndex((w) => w.id === partnerId);
    if (at >= 0) entry.with.splice(at, 1);
    else entry.with.push({ id: partnerId, params: partnerParams(this.catalog, partnerId) });
  }

  /** Sets one parameter (a fixed value or a sweep) of one entry of a method, or of a method combined with it (`partnerId`). */
  setParam(methodId: string, index: number, key: string, value: SweepDraft, partnerId?: string): void {
    const entry = this.entriesOf(methodId)[index];
    const target = partnerId === undefined ? entry : entry.with.find((w) => w.id === partnerId);
    if (target) target.params[key] = value;
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

  /** True when the checked study makes more runs than the host launches unconfirmed, and this count was not confirmed. */
  get needsConfirm(): boolean {
    const check = this.check;
    return check?.ok === true && check.runCount > check.confirmAbove && this.confirmedRuns !== check.runCount;
  }

  /** Launches the study (with the confirmed run count when it is over the limit); returns what was created, or null with `launchError` set. */
  async launch(): Promise<LaunchResult | null> {
    this.launching = true;
    this.launchError = null;
    try {
      const confirmRuns = this.confirmedRuns ?? undefined;
      return await this.api.launchStudy(this.config, confirmRuns === undefined ? undefined : { confirmRuns });
    } catch (error) {
      this.launchError = toApiError(error);
      return null;
    } finally {
      this.launching = false;
    }
  }
}
