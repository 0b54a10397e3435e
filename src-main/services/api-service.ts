import type {
  AppInfo,
  BulkAnnotation,
  BundleFile,
  ExportedFigure,
  FigurePdf,
  ForgottenSamples,
  LaunchOptions,
  LaunchResult,
  QueueStatus,
  RetainLabApi,
  RunDetail,
  RunSummary,
  StudyCheck,
  StudyProgress,
  StoredStudy,
} from '../../src-shared/api';
import {
  budgetSchema,
  metricOf,
  targetMetricOf,
  studyConfigSchema,
  taskSequence,
  targetDatasets,
  type BaseModelSpec,
  type MethodChoice,
  type PretrainRunConfig,
  type Recipe,
  type StoredRunConfig,
  type StudyConfig,
  type StudyConfigInput,
} from '../../src-shared/config';
import { storedRunConfigSchema } from '../../src-shared/run-record';
import { taskOf } from '../../src-shared/tasks/lookup';
import type { StudyContext } from '../engine/methods/method';
import type { DatasetPreview, DatasetSummary, ImportedModelSummary, ImportOptions, ImportSource } from '../../src-shared/datasets';
import { describeIssues, NotFoundError, parseOrThrow, ValidationError } from '../../src-shared/validation';
import { findUsableBaseModel, getBaseModel, insertBaseModel, listBaseModels, specKey } from '../db/base-models';
import { getImportedModelInfo } from '../db/imported-models';
import { listEvaluations } from '../db/evaluations';
import { listRunLogs } from '../db/run-logs';
import { allAnnotations, annotationsOf, setNote, setTags, type RunAnnotations } from '../db/run-annotations';
import { countRuns, getRun, insertRun, listRuns, runsOfStudy, type RunRecord } from '../db/runs';
import { pageBounds, pageOf, type Page, type PageRequest } from '../../src-shared/paging';
import { findStudyByConfig, getStudyRecord, insertStudy, listStudyCounts, type StudyCounts } from '../db/studies';
import { isQueuePaused, setQueuePaused } from '../db/queue';
import { retryRun } from '../db/run-control';
import { annotateRuns, archiveRuns, deleteRuns } from '../db/run-bulk';
import type { Db } from '../db/types';
import { METHODS, methodLabel, storedMethod } from '../engine/methods/registry';
import { parseSweptMethod } from './method-sweeps';
import { studyAxesOf, studyGrid } from '../../src-shared/study-grid';
import { isSweep, SWEEP_CONFIRM_RUNS, SWEEP_MAX_GRID, SWEEP_MAX_RUNS } from '../../src-shared/sweep';
import { buildBundle } from '../export/bundle';
import type { FigurePrinter } from '../export/figure-printer';
import { buildCatalog } from './catalog';
import { datasetNameOf, DatasetService } from './dataset-service';
import { forgottenSamples } from './forgotten-samples';
import { newId } from './ids';
import { lookUpImportedText } from './imported-text-study';
import { lookUpLibrary } from './library-study';
import { baseModelName, resolveStudy } from './resolve-study';
import type { RunHost } from './run-host';
import { studyProgress } from './study-progress';
import { searchLaunch } from '../../src-shared/search/search-plan';
import { searchOutcomeOf, stoppedAtOf } from './search-study';
import { studyVerdictOf } from './study-verdict';
import type { StudyVerdict } from '../../src-shared/verdict/study-verdict';
import type { SearchOutcome } from '../../src-shared/search/search-result';
import { availableParallelism } from 'node:os';

/** Issues of each method choice (checked even when other fields are bad, so every problem shows at once); swept parameters are checked at every point. */
function methodIssues(methods: unknown, contexts: StudyContext[]): { issues: string[]; parsed: MethodChoice[] } {
  const issues: string[] = [];
  const parsed: MethodChoice[] = [];
  if (!Array.isArray(methods)) return { issues, parsed };
  methods.forEach((m: MethodChoice, i) => {
    if (typeof m?.id !== 'string') return;
    try {
      parsed.push(parseSweptMethod({ ...m, params: m.params ?? {}, with: Array.isArray(m.with) ? m.with : [] }, `methods.${i}`, contexts));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      issues.push(...err.issues);
    }
  });
  return { issues, parsed };
}

/** How many fine-tuning runs a valid study expands to (grid points, or the sample of them, × seeds), without listing them. */
export function studyRunCount(study: StudyConfig): number {
  const sample = study.sweep?.sample ?? Infinity;
  return studyAxesOf(study).reduce((n, { size }) => n + Math.min(size, sample), 0) * study.budget.seeds.length;
}

/** Problems of a study's reference: it must name parameters its method has, and match an entry that runs that method on its own. */
function referenceIssues(study: StudyConfig): string[] {
  const { reference } = study;
  if (!reference) return [];
  const method = METHODS.find((m) => m.id === reference.id);
  const known = method ? Object.keys(method.params.shape) : [];
  const unknown = Object.keys(reference.params).filter((k) => !known.includes(k));
  if (unknown.length)
    return unknown.map((k) => `reference.params.${k}: '${k}' is not a parameter of ${reference.id} (its parameters: ${known.join(', ') || 'none'})`);
  // A combined entry (with partners) is another method: the verdict compares with entries that run the reference alone.
  if (!study.methods.some((m) => m.id === reference.id && m.with.length === 0))
    return [`reference: every entry running ${reference.id} combines it with other methods; add ${reference.id} on its own to compare with it`];
  return [];
}

/** Validates a study config and every method's parameters, naming each bad field; a sweep's every value is checked. */
export function validateStudy(input: unknown): StudyConfig {
  const result = studyConfigSchema.safeParse(input);
  const common = result.success
    ? { objective: taskOf(result.data.target.task).objective, sequence: taskSequence(result.data.target).length > 1 }
    : { objective: 'classification' as const, sequence: false };
  const rates = result.success ? result.data.budget.learningRate : budgetSchema.parse({}).learningRate;
  // Methods check their parameters against the learning rate: each swept one is a context of its own.
  const contexts = (isSweep(rates) ? (rates.values as number[]) : [rates]).map((learningRate): StudyContext => ({ ...common, learningRate }));
  const methods = methodIssues((input as { methods?: unknown } | null)?.methods, contexts);
  const issues = [...(result.success ? [] : describeIssues(result.error)), ...methods.issues];
  if (!result.success || issues.length) throw new ValidationError(`Invalid study config:\n  ${issues.join('\n  ')}`, issues);
  const study = { ...result.data, methods: methods.parsed };
  const reference = referenceIssues(study);
  if (reference.length) throw new ValidationError(`Invalid study config:\n  ${reference.join('\n  ')}`, reference);
  const runs = studyRunCount(study);
  if (runs > SWEEP_MAX_RUNS) {
    const issue = `budget: the study expands to ${runs} fine-tuning runs, more than ${SWEEP_MAX_RUNS}: sweep fewer values or sample points (sweep.sample)`;
    throw new ValidationError(`Invalid study config:\n  ${issue}`, [issue]);
  }
  // A sample is drawn from the listed grid: a grid of millions of points would stall the host however few it samples.
  const grids = studyAxesOf(study)
    .map((g, i) => ({ ...g, i }))
    .filter((g) => g.size > SWEEP_MAX_GRID);
  if (grids.length) {
    const issues = grids.map((g) => `methods.${g.i}: its sweep grid has ${g.size} points, more than ${SWEEP_MAX_GRID} even to sample from: sweep fewer values`);
    throw new ValidationError(`Invalid study config:\n  ${issues.join('\n  ')}`, issues);
  }
  return study;
}

/**
 * The study a stored run config stands for, as launchStudy would have been given it, so that
 * launchRuns runs the same checks: its name, base model, data, target, method, budget with its one
 * seed, backend, loss rise and generality suite. A pretraining config has no method: vanilla (no parameters, no study
 * checks) stands in for the one a study needs. A blank study name (older records) is left to the default.
 */
function studyOfRun(config: StoredRunConfig): StudyConfigInput {
  const { baseModel } = config;
  const finetune = config.kind === 'finetune' ? config : null;
  return {
    ...(config.studyName.trim() ? { name: config.studyName } : {}),
    baseModel: baseModel.imported
      ? { imported: baseModel.imported.id, init: baseModel.init }
      : // 'imported' without its `imported` block is refused (checkRun says why).
        { recipe: baseModel.recipe as Recipe, pretrain: baseModel.pretrain, init: baseModel.init },
    data: baseModel.data,
    target: config.target,
    methods: [finetune ? finetune.method : { id: 'vanilla' }],
    ...(finetune ? { budget: { ...finetune.budget, seeds: [finetune.seed] } } : {}),
    backend: config.backend,
    ...(finetune?.lossRise === undefined ? {} : { lossRise: finetune.lossRise }),
    ...(finetune?.generality === undefined ? {} : { generality: finetune.generality }),
  };
}

// The study fields whose run-config field has another path (the rest are the same in both).
const RUN_FIELDS: [RegExp, string][] = [
  [/^name(?=:)/, 'studyName'],
  [/^baseModel\.imported(?=:)/, 'baseModel.imported.id'],
  [/^data(?=[.:])/, 'baseModel.data'],
  [/^methods\.0(?=[.:])/, 'method'],
  [/^budget\.seeds(\.\d+)?(?=[.:])/, 'seed'],
];

/** A study issue ("field: problem") of run config i, its field renamed to the run config's. */
function runIssue(issue: string, i: number): string {
  const renamed = RUN_FIELDS.reduce((line, [from, to]) => line.replace(from, to), issue);
  return renamed.startsWith('(config)') ? `runs.${i}${renamed.slice('(config)'.length)}` : `runs.${i}.${renamed}`;
}

/** The main-side implementation of the API contract, shared by the IPC and HTTP transports and the CLI. */
export class ApiService implements RetainLabApi {
  constructor(
    private readonly db: Db,
    // Only these three: a read-only workbench (export) passes a host that never launches anything.
    private readonly host: Pick<RunHost, 'progressOf' | 'enqueue' | 'cancel' | 'cancelStudy' | 'parallel' | 'setParallel'>,
    private readonly info: AppInfo,
    private readonly printer: FigurePrinter,
    // Without one (read-only workbenches), dataset imports run without progress events.
    private readonly datasets = new DatasetService(db, info.dataDir, () => {}),
  ) {}

  /** Turns a stored run into its listed form with live progress, tags and note. */
  summarise(run: RunRecord, annotations: RunAnnotations = annotationsOf(this.db, run.id)): RunSummary {
    const { config } = run;
    const task = config?.target.task ?? null;
    const data = config?.baseModel.data;
    const name = (id: string) => datasetNameOf(this.db, id) ?? `${id} (deleted)`;
    // A pretraining run reads only the pretrain dataset.
    const targets = config?.kind === 'finetune' ? targetDatasets(config.target) : [];
    const library = data?.source === 'library' ? [data.pretrain, ...targets].map(name).join(' → ') : null;
    return {
      ...run,
      ...annotations,
      methodLabel: run.kind === 'pretrain' ? 'Base model pretraining' : methodLabel(config?.kind === 'finetune' ? config.method : { id: run.methodId }),
      recipe: config?.baseModel.recipe ?? '',
      task,
      taskLabel: library ?? task,
      metric: config?.metric ?? null,
      targetMetric: config ? targetMetricOf(config.target.task) : null,
      progress: run.status === 'running' ? this.host.progressOf(run.id) : null,
      pretrainAccuracy: run.kind === 'pretrain' && run.baseModelId ? (getBaseModel(this.db, run.baseModelId)?.aPre ?? null) : null,
    };
  }

  async appInfo(): Promise<AppInfo> {
    return this.info;
  }

  async catalog() {
    return buildCatalog();
  }

  async listRuns(page?: PageRequest): Promise<Page<RunSummary>> {
    const annotations = allAnnotations(this.db);
    const { offset, limit } = pageBounds(page);
    // One read transaction: the page and the total agree even while another process writes.
    const [records, total] = this.db.transaction(() => [listRuns(this.db, { offset, limit }), countRuns(this.db)] as const)();
    const items = records.map((r) => this.summarise(r, annotations.get(r.id) ?? { tags: [], note: '' }));
    return { items, total, offset };
  }

  async getRun(id: string): Promise<RunDetail> {
    return { ...this.summarise(this.requireRun(id)), evaluations: listEvaluations(this.db, id), logs: listRunLogs(this.db, id) };
  }

  async listBaseModels() {
    return listBaseModels(this.db).map(({ checkpointId: _c, ...summary }) => summary);
  }

  /** A validated study with its library datasets looked up and checked, and its base-model specs and runs. */
  private prepare(input: unknown) {
    const config = validateStudy(input);
    const { library, issues } = lookUpLibrary(this.db, config);
    const text = lookUpImportedText(this.db, config);
    issues.push(...text.issues);
    if (issues.length) throw new ValidationError(`Invalid study config:\n  ${issues.join('\n  ')}`, issues);
    // The imported model the runs start from as it is (nothing pretrained), on library datasets or the built-in text.
    const imported = library?.model ?? text.model;
    return { config, library, imported, ...resolveStudy(config, library, storedMethod, text.model) };
  }

  async checkStudy(input: unknown): Promise<StudyCheck> {
    try {
      const { config, library, imported, ...expanded } = this.prepare(input);
      // A search's run count is its candidates', as launchStudy launches them (the chosen points' seeds come later).
      const { bases, runs } = searchLaunch(config, expanded);
      const reusesBaseModelId = imported ? null : (findUsableBaseModel(this.db, bases[0].baseModel)?.id ?? null);
      const toPretrain = imported ? 0 : bases.filter((b) => !findUsableBaseModel(this.db, b.baseModel)).length;
      const grid = studyGrid(config);
      const baseModels = { count: bases.length, toPretrain };
      return {
        ok: true,
        config,
        runCount: runs.length,
        reusesBaseModelId,
        baseModels,
        notes: library?.compat.notes ?? [],
        grid,
        confirmAbove: SWEEP_CONFIRM_RUNS,
      };
    } catch (err) {
      if (err instanceof ValidationError) return { ok: false, issues: err.issues };
      throw err;
    }
  }

  async launchStudy(input: unknown, options: LaunchOptions = {}): Promise<LaunchResult> {
    const { config, library, imported, ...expanded } = this.prepare(input);
    // A search launches only its sampled candidates; the search driver launches the chosen points' seeds.
    const { bases, runs } = searchLaunch(config, expanded);
    if (runs.length > SWEEP_CONFIRM_RUNS && options.confirmRuns !== runs.length) {
      const issue = `the study expands to ${runs.length} fine-tuning runs, more than ${SWEEP_CONFIRM_RUNS}: confirm that count to launch it (CLI: --yes)`;
      throw new ValidationError(issue, [`confirmRuns: ${issue}`]);
    }
    const studyId = newId('study');
    const runIds: string[] = [];
    let pretrainRunId: string | null = null;
    // One stored (or imported) base model per spec of the study: a data sweep has several.
    const baseModelIds = new Map<string, string>();
    this.db.transaction(() => {
      insertStudy(this.db, studyId, config.name, config);
      for (const { baseModel, pretrain } of bases) {
        const key = specKey(baseModel);
        const existing = imported ? null : findUsableBaseModel(this.db, baseModel);
        if (imported) {
          // An imported model is θ₀ as it is: nothing to pretrain, and its runs name no stored base model.
          baseModelIds.set(key, imported.summary.id);
        } else if (existing) {
          baseModelIds.set(key, existing.id);
        } else {
          const baseModelId = newId('base');
          const runId = newId('run');
          pretrainRunId ??= runId;
          const name = baseModelName(baseModel, config.target.task, library?.pretrain.name);
          insertBaseModel(this.db, { id: baseModelId, name, spec: baseModel, pretrainRunId: runId });
          insertRun(this.db, { id: runId, studyId, baseModelId, config: pretrain });
          runIds.push(runId);
          baseModelIds.set(key, baseModelId);
        }
      }
      for (const run of runs) {
        const id = newId('run');
        insertRun(this.db, { id, studyId, baseModelId: imported ? null : baseModelIds.get(specKey(run.baseModel))!, config: run });
        runIds.push(id);
      }
    })();
    this.host.enqueue(runIds);
    return { studyId, runIds, baseModelId: baseModelIds.get(specKey(bases[0].baseModel))!, pretrainRunId };
  }

  /**
   * Launches stored run configs as they are (a reproducibility bundle's `runs.json`), validated by
   * the run-record schema and by the study checks each config would have passed in launchStudy
   * (studyOfRun), without turning them back into a study: each fine-tuning run starts from the
   * stored base model of its spec, pretrained first by one run per spec where the store has none
   * (a pretraining config only makes sure its model exists), or from its imported model. The runs
   * form one study per study name; the result names the first config's study, base model and the
   * first pretraining run.
   */
  async launchRuns(input: unknown): Promise<LaunchResult> {
    const parsed = parseOrThrow(
      storedRunConfigSchema.array().min(1, 'give at least one run config'),
      Array.isArray(input) ? input : [input],
      'run configs',
      'runs',
    );
    const checked = parsed.map((c, i) => this.checkRun(c, i));
    const issues = checked.flatMap((c) => c.issues);
    if (issues.length) throw new ValidationError(`Invalid run configs:\n  ${issues.join('\n  ')}`, issues);
    // Fine-tuning runs store their method with every default filled, as launchStudy stores them.
    const configs = parsed.map((c, i): StoredRunConfig => (c.kind === 'finetune' ? { ...c, method: checked[i].method! } : c));
    const studyIds = new Map(configs.map((c) => [c.studyName, newId('study')]));
    const runIds: string[] = [];
    const baseModels = new Map<string, string>();
    let pretrainRunId: string | null = null;
    this.db.transaction(() => {
      // Each study keeps the configs launched under its name.
      for (const [name, id] of studyIds) {
        const own = configs.filter((c) => c.studyName === name);
        insertStudy(this.db, id, name, own);
      }
      for (const config of configs) {
        const studyId = studyIds.get(config.studyName)!;
        const base = this.baseModelFor(config, studyId, baseModels, runIds);
        pretrainRunId ??= base.pretrainRunId;
        if (config.kind === 'finetune') {
          const id = newId('run');
          insertRun(this.db, { id, studyId, baseModelId: base.storedId, config });
          runIds.push(id);
        }
      }
    })();
    this.host.enqueue(runIds);
    const first = configs[0];
    return {
      studyId: studyIds.get(first.studyName)!,
      runIds,
      baseModelId: first.baseModel.imported?.id ?? baseModels.get(specKey(first.baseModel))!,
      pretrainRunId,
    };
  }

  /**
   * Problems of a run config the run-record schema cannot see (`runs.<i>.…` lines), and its method
   * with defaults filled: the study checks (pairing, sequence, library target, method parameters) of
   * the study it stands for, the models and datasets the store must hold, and how they fit.
   */
  private checkRun(config: StoredRunConfig, i: number): { issues: string[]; method: MethodChoice | null } {
    const issues: string[] = [];
    const { baseModel } = config;
    if (baseModel.imported && !getImportedModelInfo(this.db, baseModel.imported.id))
      issues.push(`runs.${i}.baseModel.imported.id: no imported model '${baseModel.imported.id}' in this store`);
    if (baseModel.recipe === 'imported' && config.kind === 'pretrain') issues.push(`runs.${i}.kind: an imported model is not pretrained`);
    const datasets = baseModel.data.source === 'library' ? [baseModel.data.pretrain, ...targetDatasets(config.target)] : [];
    for (const id of datasets) if (datasetNameOf(this.db, id) === null) issues.push(`runs.${i}: no dataset '${id}' in this store's library`);
    // The study schema knows only the built-in recipes: its complaint about 'imported' is said better here.
    const blockless = baseModel.recipe === 'imported' && !baseModel.imported;
    if (blockless) issues.push(`runs.${i}.baseModel.imported: recipe 'imported' needs its imported block (the imported model's id and architecture)`);
    const missing = issues.length > 0;
    let study: StudyConfig | null = null;
    try {
      study = validateStudy(studyOfRun(config));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const own = blockless ? err.issues.filter((issue) => !issue.startsWith('baseModel.recipe:')) : err.issues;
      issues.push(...own.map((issue) => runIssue(issue, i)));
    }
    if (study) {
      if (config.metric !== metricOf(config.target.task))
        issues.push(`runs.${i}.metric: the task '${config.target.task}' is measured by '${metricOf(config.target.task)}'`);
      // With a model or dataset missing, the lookup would only say so again.
      if (!missing) issues.push(...[...lookUpLibrary(this.db, study).issues, ...lookUpImportedText(this.db, study).issues].map((issue) => runIssue(issue, i)));
    }
    return { issues, method: config.kind === 'finetune' && study ? study.methods[0] : null };
  }

  /** The stored base model a run config starts from (null: an imported model), found by its spec or pretrained first by a new run. */
  private baseModelFor(
    config: StoredRunConfig,
    studyId: string,
    known: Map<string, string>,
    runIds: string[],
  ): { storedId: string | null; pretrainRunId: string | null } {
    const spec: BaseModelSpec = config.baseModel;
    if (spec.imported) return { storedId: null, pretrainRunId: null };
    const key = specKey(spec);
    const id = known.get(key) ?? findUsableBaseModel(this.db, spec)?.id;
    if (id) {
      known.set(key, id);
      return { storedId: id, pretrainRunId: null };
    }
    const baseModelId = newId('base');
    const pretrainRunId = newId('run');
    const pretrain: PretrainRunConfig = {
      version: config.version,
      kind: 'pretrain',
      studyName: config.studyName,
      baseModel: spec,
      target: config.target,
      backend: config.backend,
      metric: config.metric,
    };
    const datasetName = spec.data.source === 'library' ? (datasetNameOf(this.db, spec.data.pretrain) ?? undefined) : undefined;
    insertBaseModel(this.db, { id: baseModelId, name: baseModelName(spec, config.target.task, datasetName), spec, pretrainRunId });
    insertRun(this.db, { id: pretrainRunId, studyId, baseModelId, config: pretrain });
    runIds.push(pretrainRunId);
    known.set(key, baseModelId);
    return { storedId: baseModelId, pretrainRunId };
  }

  async cancelRun(id: string): Promise<RunSummary> {
    this.requireRun(id);
    this.host.cancel(id);
    return this.summarise(getRun(this.db, id)!);
  }

  async setRunTags(id: string, tags: string[]): Promise<RunSummary> {
    const run = this.requireRun(id);
    setTags(this.db, id, [...new Set(tags.map((t) => t.trim()))]);
    return this.summarise(run);
  }

  async setRunNote(id: string, note: string): Promise<RunSummary> {
    const run = this.requireRun(id);
    setNote(this.db, id, note.trim());
    return this.summarise(run);
  }

  async annotateRuns(ids: string[], change: BulkAnnotation): Promise<RunSummary[]> {
    const clean = (tags?: string[]) => tags && [...new Set(tags.map((t) => t.trim()))];
    const runs = annotateRuns(this.db, ids, { addTags: clean(change.addTags), removeTags: clean(change.removeTags), note: change.note?.trim() });
    const annotations = allAnnotations(this.db);
    return runs.map((r) => this.summarise(r, annotations.get(r.id) ?? { tags: [], note: '' }));
  }

  async archiveRuns(ids: string[], archived: boolean): Promise<RunSummary[]> {
    const annotations = allAnnotations(this.db);
    return archiveRuns(this.db, ids, archived).map((r) => this.summarise(r, annotations.get(r.id) ?? { tags: [], note: '' }));
  }

  async deleteRuns(ids: string[]): Promise<{ deleted: string[] }> {
    return { deleted: deleteRuns(this.db, ids) };
  }

  async figurePdf(svg: string, widthIn: number, heightIn: number): Promise<FigurePdf> {
    const pdf = await this.printer.pdf(svg, widthIn, heightIn);
    return { base64: pdf.toString('base64'), widthIn, heightIn };
  }

  async exportBundle(runIds: string[], figures: ExportedFigure[]): Promise<BundleFile> {
    const runs = await Promise.all([...new Set(runIds)].map((id) => this.getRun(id)));
    if (!runs.some((r) => r.kind === 'finetune'))
      throw new ValidationError('A bundle needs at least one fine-tuning run', ['runIds: only pretraining runs were given']);
    return buildBundle(runs, figures, this.info);
  }

  async forgottenSamples(runId: string, limit: number): Promise<ForgottenSamples> {
    return forgottenSamples(this.db, runId, limit);
  }

  async previewDataset(source: ImportSource, options: ImportOptions): Promise<DatasetPreview> {
    return this.datasets.previewDataset(source, options);
  }

  async importDataset(source: ImportSource, options: ImportOptions, jobId: string): Promise<DatasetSummary> {
    return this.datasets.importDataset(source, options, jobId);
  }

  async listDatasets(page?: PageRequest): Promise<Page<DatasetSummary>> {
    return pageOf(this.datasets.listDatasets(), page);
  }

  async renameDataset(id: string, name: string): Promise<DatasetSummary> {
    return this.datasets.renameDataset(id, name);
  }

  async deleteDataset(id: string): Promise<{ deleted: string }> {
    return this.datasets.deleteDataset(id);
  }

  async importModel(source: ImportSource, name: string | null): Promise<ImportedModelSummary> {
    return this.datasets.importModel(source, name);
  }

  async listImportedModels(): Promise<ImportedModelSummary[]> {
    return this.datasets.listImportedModels();
  }

  async listStudies(page?: PageRequest): Promise<Page<StudyProgress>> {
    // Progress (ETA, running runs) is worked out for the studies of the page only.
    const counted = pageOf(listStudyCounts(this.db), page);
    return { ...counted, items: counted.items.map((study) => this.progressOf(study)) };
  }

  async getStudy(id: string): Promise<StoredStudy> {
    const study = getStudyRecord(this.db, id);
    if (!study) throw new NotFoundError(`No study with id '${id}' in this store`, [`studyId: no study '${id}'`]);
    const { launchedFrom, ...rest } = study;
    // launchRuns stores the run configs it launched (a list); launchStudy the validated study config.
    return { ...rest, config: Array.isArray(launchedFrom) ? null : (launchedFrom as StudyConfig) };
  }

  async searchOutcome(studyId: string): Promise<SearchOutcome | null> {
    if (!getStudyRecord(this.db, studyId)) throw new NotFoundError(`No study with id '${studyId}' in this store`, [`studyId: no study '${studyId}'`]);
    return searchOutcomeOf(this.db, studyId);
  }

  async studyVerdict(studyId: string): Promise<StudyVerdict | null> {
    if (!getStudyRecord(this.db, studyId)) throw new NotFoundError(`No study with id '${studyId}' in this store`, [`studyId: no study '${studyId}'`]);
    return studyVerdictOf(this.db, studyId);
  }

  private progressOf(study: StudyCounts): StudyProgress {
    return studyProgress(this.db, study, (id) => this.host.progressOf(id), this.host.parallel);
  }

  async cancelStudy(studyId: string): Promise<StudyProgress> {
    const runs = runsOfStudy(this.db, studyId);
    if (!runs.length) throw new ValidationError(`No study with id '${studyId}' and runs in this store`, [`studyId: no study '${studyId}' with runs`]);
    this.host.cancelStudy(studyId);
    return this.progressOf(listStudyCounts(this.db).find((s) => s.id === studyId)!);
  }

  async retryRun(id: string): Promise<RunSummary> {
    this.requireRun(id);
    const run = retryRun(this.db, id);
    this.host.enqueue([id]);
    return this.summarise(run);
  }

  async queueStatus(): Promise<QueueStatus> {
    return { paused: isQueuePaused(this.db), parallel: this.host.parallel, cores: availableParallelism() };
  }

  async setQueue(settings: { paused?: boolean; parallel?: number }): Promise<QueueStatus> {
    if (settings.paused !== undefined) setQueuePaused(this.db, settings.paused);
    if (settings.parallel !== undefined) this.host.setParallel(settings.parallel);
    if (settings.paused === false) this.host.enqueue([]);
    return this.queueStatus();
  }

  /**
   * The latest stored study launched from exactly this config, continued: its failed and cancelled
   * runs are queued again (resuming where they have a resume point), completed ones kept. Null when
   * the store has no such study.
   */
  async continueStudy(input: unknown): Promise<(LaunchResult & { retried: string[] }) | null> {
    const { config } = this.prepare(input);
    const study = findStudyByConfig(this.db, config);
    if (!study) return null;
    const runs = runsOfStudy(this.db, study.id);
    const retried: string[] = [];
    // In launch order: a pretraining run is queued again before the fine-tunes that wait for it.
    for (const run of runs) {
      // A candidate its search stopped ended as it should.
      if ((run.status !== 'failed' && run.status !== 'cancelled') || stoppedAtOf(run.error) !== null) continue;
      try {
        retryRun(this.db, run.id);
        retried.push(run.id);
      } catch {
        // It stays as it is (an unreadable config, a deleted base model); the report shows its error.
      }
    }
    this.host.enqueue(retried);
    const pretrain = runs.find((r) => r.kind === 'pretrain');
    const first = runs.find((r) => r.kind === 'finetune');
    return {
      studyId: study.id,
      runIds: runs.map((r) => r.id),
      baseModelId: pretrain?.baseModelId ?? first?.baseModelId ?? first?.config?.baseModel.imported?.id ?? '',
      // Only a pretraining run that still has to run makes this a study that pretrains now.
      pretrainRunId: pretrain && (pretrain.status !== 'completed' || retried.includes(pretrain.id)) ? pretrain.id : null,
      retried,
    };
  }

  private requireRun(id: string): RunRecord {
    const run = getRun(this.db, id);
    if (!run) throw new NotFoundError(`No run with id '${id}'`, [`id: no run '${id}'`]);
    return run;
  }
}
