import { z } from 'zod';
import type { StoredRunConfig, StudyConfig, StudyConfigInput, BackendName, DataConfig, Metric } from './config';
import type { EvalPoint } from './evaluation';
import type { GeneralityResult } from './generality';
import type { GridEntry } from './study-grid';
import type { StudyVerdict } from './verdict/study-verdict';
import type { SearchOutcome } from './search/search-result';
import type { MethodCombination } from './method-combination';
import type { MethodStyle } from './method-style';
import type { ParamsJsonSchema } from './params';
import type { SequenceForgetting } from './sequence-metrics';
import type { ApiMethod } from './channels';
import type { WeightInit } from './weight-init';
import { pageRequestSchema, type Page, type PageRequest } from './paging';
import {
  datasetApiArgs,
  type DatasetPreview,
  type DatasetSummary,
  type ImportedModelSummary,
  type ImportOptions,
  type ImportProgress,
  type ImportSource,
} from './datasets';

export { API_EVENTS, API_METHODS, type ApiEnvelope, type ApiErrorPayload, type ApiMethod } from './channels';

/** Lifecycle of a run; 'cancelled' and 'failed' keep everything stored before. */
export type RunStatus = 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';
/** A run pretrains a base model or fine-tunes one with a method. */
export type RunKind = 'pretrain' | 'finetune';

/** Live progress of a running run. */
export interface RunProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number | null;
  etaSeconds: number | null;
  samplesPerSecond: number | null;
  aPre: number | null;
  aTgt: number | null;
}

/** The headline numbers of a finished (or latest-evaluated) run against its base model. */
export interface RunHeadline {
  aPreBase: number;
  /** A_tgt(θ₀); with a new head it is a linear probe on θ₀ (aTgtBaseIsProbe). */
  aTgtBase: number;
  aTgtBaseIsProbe: boolean;
  aPre: number;
  aTgt: number;
  /** A_pre(θ_ft)/A_pre(θ₀) */
  retention: number | null;
  /** A_pre(θ₀) − A_pre(θ_ft) */
  forgetting: number;
  /** A_tgt(θ_ft) − A_tgt(θ₀) */
  targetGain: number;
  cdAbs: number;
  cdCond: number;
  weightDistance: number;
  weightDistanceRel: number;
  /** A sequence of tasks: the metric matrix and its forgetting (docs/methods.md §2); absent for one task. */
  sequence?: SequenceResult;
  /** A generality suite: each set's metric at θ₀ and at the end (src-shared/generality.ts); absent without a suite. */
  generality?: GeneralityResult[];
  /** The mean over the suite's sets of their final metric. */
  aGen?: number;
  /** The mean over the suite's sets of their retention; null where a set's is undefined. */
  retentionGen?: number | null;
}

/** What a run over a sequence of tasks stores: R[i][j] = metric on task j after stage i (task 0 and stage 0: the pretrain task and θ₀). */
export interface SequenceResult extends SequenceForgetting {
  /** Task 0 is the pretrain task; tasks 1..T the target tasks in training order. */
  tasks: string[];
  matrix: number[][];
}

/** One run as listed. */
export interface RunSummary {
  id: string;
  studyId: string | null;
  studyName: string;
  kind: RunKind;
  methodId: string;
  methodLabel: string;
  recipe: string;
  task: string | null;
  /** The target as shown: the task id, or for datasets of the library "pretrain dataset → target dataset" (names as they are now). */
  taskLabel: string | null;
  seed: number;
  status: RunStatus;
  error: string | null;
  backend: BackendName | null;
  baseModelId: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** The host process that trains it or last trained it (`host:pid:tag`); null before any did. */
  owner: string | null;
  /** How many times a host started it (each resume after a crash or a takeover counts). */
  attempts: number;
  progress: RunProgress | null;
  headline: RunHeadline | null;
  /** For a pretraining run: the base model's final accuracy on the pretrain eval set. */
  pretrainAccuracy: number | null;
  /** The stored run record (the Runs table filters by any parameter and groups seeds by it); null when the stored config is unreadable (then status 'failed' and `error` says why). */
  config: StoredRunConfig | null;
  /** What A_pre, retention and forgetting measure, from the run record; null when its config is unreadable. */
  metric: Metric | null;
  /** What A_tgt and the target gain measure, from the run's task (a language model fine-tuned into a classifier: accuracy where `metric` is loss); null when its config is unreadable. */
  targetMetric: Metric | null;
  /** The researcher's tags, sorted. */
  tags: string[];
  /** The researcher's free-text note ('' when none). */
  note: string;
  /** Hidden from the Runs view unless archived runs are shown; kept whole. */
  archived: boolean;
}

/** A run with its full config and every evaluation point. */
export interface RunDetail extends RunSummary {
  evaluations: EvalPoint[];
  /** The engine's log of the run: the backend it ran on (and why others were skipped), method notes, warnings. */
  logs: string[];
}

/** A vector PDF of one figure, base64-encoded so it crosses every transport as JSON. */
export interface FigurePdf {
  base64: string;
  widthIn: number;
  heightIn: number;
}

/** A reproducibility bundle (.zip), base64-encoded. */
export interface BundleFile {
  fileName: string;
  base64: string;
  bytes: number;
}

/** A stored base model. */
export interface BaseModelSummary {
  id: string;
  name: string;
  recipe: string;
  /** How the recipe's fresh weights were drawn (part of the model's identity). */
  init: WeightInit;
  /** The pretrain classes: digits, or class indices whose names are in `classNames`. */
  classes: number[];
  /** Library data: the pretrain dataset's label of each class; null for built-in data. */
  classNames: string[] | null;
  status: 'pretraining' | 'ready' | 'failed';
  pretrainRunId: string | null;
  /** What aPre measures, from its pretraining run's record; null when that record is unreadable or gone. */
  metric: Metric | null;
  aPre: number | null;
  paramCount: number | null;
  createdAt: string;
}

/** A method of the registry as its file declares it: the wizard builds its form from `params`, figures draw it in `style`. */
export interface MethodInfo extends Required<MethodCombination> {
  id: string;
  label: string;
  summary: string;
  reference: string;
  style: MethodStyle;
  /** JSON Schema of its parameters (z.toJSONSchema of the method's zod schema); the form reads it through paramSpecs. */
  params: ParamsJsonSchema;
}

/** A built-in choice (recipe or target task) with its explanation. */
export interface CatalogEntry {
  id: string;
  label: string;
  description: string;
}

/** A built-in recipe as the wizard offers it. */
export interface RecipeEntry extends CatalogEntry {
  /** An MLP's hidden widths: its card names its layers from the chosen data's input size (784-256-256 on the digits, 10-256-256 on 10 features). */
  mlpHidden?: number[];
}

/** Everything the wizard offers. */
export interface Catalog {
  methods: MethodInfo[];
  recipes: RecipeEntry[];
  /** Each task with the recipes that can learn it, the metrics its pretrain side and its target are measured by and the data source it reads. */
  /** sharesHead: null where the datasets' labels decide (library datasets). */
  tasks: (CatalogEntry & { sharesHead: boolean | null; recipes: string[]; metric: Metric; targetMetric: Metric; source: DataConfig['source'] })[];
  /** The default data settings of each data source, for when the chosen task changes source. */
  dataDefaults: Record<DataConfig['source'], DataConfig>;
  backends: { id: string; available: boolean; why: string }[];
  defaultStudy: StudyConfig;
}

/** About the running workbench. */
export interface AppInfo {
  version: string;
  mode: 'electron' | 'browser';
  dataDir: string;
}

/** What launching a study created. */
export interface LaunchResult {
  studyId: string;
  runIds: string[];
  /** The stored base model the runs start from, or the imported model's id when they start from one. */
  baseModelId: string;
  /** Set when the base model had to be pretrained first (a run of its own). */
  pretrainRunId: string | null;
}

/** How a study is launched: the run count the user confirmed for a large sweep. */
export interface LaunchOptions {
  confirmRuns?: number;
}

/** Result of checking a study config without launching it. */
export type StudyCheck =
  | {
      ok: true;
      config: StudyConfig;
      runCount: number;
      /** The stored base model the study will reuse; null means it pretrains one first (or starts from an imported model). */
      reusesBaseModelId: string | null;
      /** How many base models its runs start from (a sweep of the data's use fraction has one per value) and how many of them must be pretrained first. */
      baseModels: { count: number; toPretrain: number };
      /** How a study on library datasets will run (head reused or new, standardisation); [] otherwise. */
      notes: string[];
      /** Each method entry's sweep grid (no axes and one point when nothing is swept). */
      grid: GridEntry[];
      /** A study of more fine-tuning runs than this is launched only with `confirmRuns` set to its run count. */
      confirmAbove: number;
    }
  | { ok: false; issues: string[] };

/** One pretrain eval sample that went from correct to wrong. */
export interface ForgottenSample {
  /** Row in the run's pretrain eval split. */
  index: number;
  /** True class, and the predictions of θ₀ (before) and of the fine-tuned model (after): digits, or indices into `classNames`. */
  label: number;
  before: number;
  after: number;
  /** Images: levels 0-255, row-major with interleaved channels, `shape` of the result; [] for text and tables. */
  pixels: number[];
  /** Text: what the model read (its first T characters), decoded with the base model's tokenizer; a table row: its features; null for images. */
  text: string | null;
}

/** A held-out pretrain sequence a language model got worse at: its mean token loss rose by more than the run's threshold. */
export interface ForgottenSequence {
  /** Row in the run's pretrain eval split. */
  index: number;
  text: string;
  /** Mean token loss (nats) under θ₀ and after fine-tuning. */
  lossBefore: number;
  lossAfter: number;
}

/** The collateral damage of a run, sample by sample: forgotten samples (accuracy runs) or damaged sequences, worst first (loss runs). */
export interface ForgottenSamples {
  runId: string;
  /** How many samples were forgotten in all (the list may be shorter). */
  total: number;
  /** False when the run has no stored predictions; `why` says why. */
  available: boolean;
  why: string | null;
  shape: [number, number, number];
  samples: ForgottenSample[];
  /** Loss runs: the damaged sequences, worst rise first (`samples` is then empty); [] for accuracy runs. */
  sequences: ForgottenSequence[];
  /** Loss runs: the rise of mean token loss (nats) above which a sequence counts as damaged; null for accuracy runs. */
  lossRise: number | null;
  /** Names of the class indices where they are not digits (e.g. ham, spam); null for digits. */
  classNames: string[] | null;
  /** Grey levels are ink (the built-in digits: drawn dark on light); library images are drawn as stored. */
  inkDark: boolean;
}

/** The API contract between renderer and host; both transports (IPC, HTTP) carry exactly this. */
export interface RetainLabApi {
  appInfo(): Promise<AppInfo>;
  catalog(): Promise<Catalog>;
  /** Runs newest first, a page at a time (allPages fetches them all). */
  listRuns(page?: PageRequest): Promise<Page<RunSummary>>;
  getRun(id: string): Promise<RunDetail>;
  listBaseModels(): Promise<BaseModelSummary[]>;
  checkStudy(config: StudyConfigInput): Promise<StudyCheck>;
  /** Launches a study; one of more than `confirmAbove` fine-tuning runs needs `options.confirmRuns` equal to its run count. */
  launchStudy(config: StudyConfigInput, options?: LaunchOptions): Promise<LaunchResult>;
  cancelRun(id: string): Promise<RunSummary>;
  /** Replaces a run's tags (each 1–40 of letters, digits, . _ -). */
  setRunTags(id: string, tags: string[]): Promise<RunSummary>;
  /** Sets a run's note ('' removes it). */
  setRunNote(id: string, note: string): Promise<RunSummary>;
  /** Adds and removes tags of many runs and sets their note (absent: each keeps its own), in one transaction. */
  annotateRuns(ids: string[], change: BulkAnnotation): Promise<RunSummary[]>;
  /** Archives runs (hidden unless asked for, kept whole) or brings them back; refused, changing nothing, while any is queued or running. */
  archiveRuns(ids: string[], archived: boolean): Promise<RunSummary[]>;
  /** Deletes runs with everything stored for them, in one transaction; refused, deleting nothing, while any is queued or running. */
  deleteRuns(ids: string[]): Promise<{ deleted: string[] }>;
  /** Prints a figure's SVG to a one-page vector PDF of exactly the given size (inches). */
  figurePdf(svg: string, widthIn: number, heightIn: number): Promise<FigurePdf>;
  /** Zips the runs' configs, metrics, the given figures, version, backends and seeds into a bundle that re-runs with `retainlab run`. */
  exportBundle(runIds: string[], figures: ExportedFigure[]): Promise<BundleFile>;
  /** The pretrain eval samples a fine-tuning run forgot (1→0), at most `limit` of them. */
  forgottenSamples(runId: string, limit: number): Promise<ForgottenSamples>;
  /** Reads and checks a dropped file or folder and describes what an import would store; stores nothing. */
  previewDataset(source: ImportSource, options: ImportOptions): Promise<DatasetPreview>;
  /** Imports into the dataset library; `dataset-import-progress` events carry `jobId`. */
  importDataset(source: ImportSource, options: ImportOptions, jobId: string): Promise<DatasetSummary>;
  /** Built-in and imported datasets, a page at a time. */
  listDatasets(page?: PageRequest): Promise<Page<DatasetSummary>>;
  renameDataset(id: string, name: string): Promise<DatasetSummary>;
  /** Deletes an imported dataset; refused, naming them, while runs use it. */
  deleteDataset(id: string): Promise<{ deleted: string }>;
  /** Imports a TensorFlow.js LayersModel (model.json + weight shards) or a Hugging Face GPT-2/BERT checkpoint (a Hub folder or zip) as a base model. */
  importModel(source: ImportSource, name: string | null): Promise<ImportedModelSummary>;
  listImportedModels(): Promise<ImportedModelSummary[]>;
  /** Studies newest first, a page at a time, each with its progress (runs done of total) and an estimate of the time left. */
  listStudies(page?: PageRequest): Promise<Page<StudyProgress>>;
  /** A stored study with the config it was launched from, to clone it in the wizard. */
  getStudy(id: string): Promise<StoredStudy>;
  /** What a study's search found so far (best setting per method, frontier, spend), worked out from its stored runs; null for a study without `search`. */
  searchOutcome(studyId: string): Promise<SearchOutcome | null>;
  /** What a study measured beside what it claims (its description): arms with seed intervals against its reference, trends, mix-cd headroom; null before any fine-tuning run completed. */
  studyVerdict(studyId: string): Promise<StudyVerdict | null>;
  /** Cancels every queued and running run of a study. */
  cancelStudy(studyId: string): Promise<StudyProgress>;
  /** Queues a failed or cancelled run again (it resumes from its last resume point where it has one). */
  retryRun(id: string): Promise<RunSummary>;
  /** Whether the store's queue is paused, and how many runs this process trains at once. */
  queueStatus(): Promise<QueueStatus>;
  /** Pauses or resumes the store's queue (every process on it) and sets how many runs this process trains at once. */
  setQueue(settings: { paused?: boolean; parallel?: number }): Promise<QueueStatus>;
}

/** A stored study as launched: its study config, or null for one launched from run configs (a bundle's runs.json), which has none. */
export interface StoredStudy {
  id: string;
  name: string;
  createdAt: string;
  config: StudyConfig | null;
}

/** A study's progress: its runs by status, and how long the rest should take. */
export interface StudyProgress {
  id: string;
  name: string;
  createdAt: string;
  counts: Record<RunStatus, number>;
  total: number;
  /** Runs that ended (completed, failed or cancelled). */
  done: number;
  /**
   * Seconds until its last run ends: the running runs' own estimates, and the queued runs at the mean
   * duration of the study's completed runs of their kind, shared among this process's engines; null
   * while nothing has completed or reported an estimate yet, 0 when nothing is left.
   */
  etaSeconds: number | null;
  /** The remaining run expected to end last (the running run with the longest estimate), or null. */
  slowestRunId: string | null;
}

/** The store's queue as this process sees it. */
export interface QueueStatus {
  paused: boolean;
  /** Runs this process trains at once. */
  parallel: number;
  /** The machine's cores (the default for `parallel`). */
  cores: number;
}

/** A figure file handed to the bundle: a name like `scatter.svg` and its text (SVG) or base64 (PNG, PDF). */
export interface ExportedFigure {
  name: string;
  content: string;
  encoding: 'utf8' | 'base64';
}

/** A change to many runs' annotations: tags to add and to remove, and a note for all ('' removes it; absent keeps each run's). */
export interface BulkAnnotation {
  addTags?: string[];
  removeTags?: string[];
  note?: string;
}

/** Tags: short words that are safe in `--runs tag:<name>` and in file names. */
export const TAG_PATTERN = /^[A-Za-z0-9._-]{1,40}$/;
/** The most tags one run holds. */
export const MAX_RUN_TAGS = 20;
/** Paper sizes a figure may have, inches (a page of A4/letter bounds both). */
export const FIGURE_INCHES = { minWidth: 1, maxWidth: 8.5, minHeight: 0.5, maxHeight: 11 } as const;
const runId = z.string().min(1).max(100);
const runIds = z.array(runId).min(1).max(10_000);
const tag = z.string().trim().regex(TAG_PATTERN, 'a tag is 1-40 letters, digits, dots, dashes or underscores');
const figureName = z.string().regex(/^[a-z0-9-]{1,40}\.(svg|png|pdf)$/, 'a figure file name like scatter.svg');

/** Argument schemas of every API method: each transport validates calls against them. */
export const apiArgs = {
  appInfo: z.tuple([]),
  catalog: z.tuple([]),
  listRuns: z.tuple([pageRequestSchema]),
  getRun: z.tuple([runId]),
  listBaseModels: z.tuple([]),
  checkStudy: z.tuple([z.unknown()]),
  launchStudy: z.tuple([z.unknown(), z.strictObject({ confirmRuns: z.number().int().min(0).optional() }).optional()]),
  cancelRun: z.tuple([runId]),
  setRunTags: z.tuple([runId, z.array(tag).max(MAX_RUN_TAGS)]),
  setRunNote: z.tuple([runId, z.string().max(10_000)]),
  annotateRuns: z.tuple([
    runIds,
    z.strictObject({
      addTags: z.array(tag).max(MAX_RUN_TAGS).optional(),
      removeTags: z.array(tag).max(MAX_RUN_TAGS).optional(),
      note: z.string().max(10_000).optional(),
    }),
  ]),
  archiveRuns: z.tuple([runIds, z.boolean()]),
  deleteRuns: z.tuple([runIds]),
  figurePdf: z.tuple([
    z
      .string()
      .min(1)
      .max(2_000_000)
      .refine((s) => s.trimStart().startsWith('<svg') || s.trimStart().startsWith('<?xml'), 'an SVG document'),
    z.number().min(FIGURE_INCHES.minWidth).max(FIGURE_INCHES.maxWidth),
    z.number().min(FIGURE_INCHES.minHeight).max(FIGURE_INCHES.maxHeight),
  ]),
  exportBundle: z.tuple([
    z.array(runId).min(1).max(500),
    z.array(z.strictObject({ name: figureName, content: z.string().max(4_000_000), encoding: z.enum(['utf8', 'base64']) })).max(300),
  ]),
  forgottenSamples: z.tuple([runId, z.number().int().min(1).max(1000)]),
  ...datasetApiArgs,
  listStudies: z.tuple([pageRequestSchema]),
  getStudy: z.tuple([z.string().min(1).max(100)]),
  searchOutcome: z.tuple([z.string().min(1).max(100)]),
  studyVerdict: z.tuple([z.string().min(1).max(100)]),
  cancelStudy: z.tuple([z.string().min(1).max(100)]),
  retryRun: z.tuple([runId]),
  queueStatus: z.tuple([]),
  setQueue: z.tuple([z.strictObject({ paused: z.boolean().optional(), parallel: z.number().int().min(1).max(256).optional() })]),
} satisfies Record<ApiMethod, z.ZodType>;

// The channel list and the contract must name the same methods.
type SameKeys<A, B> = [Exclude<keyof A, B>, Exclude<B, keyof A>] extends [never, never] ? true : never;
const contractMatchesChannels: SameKeys<RetainLabApi, ApiMethod> = true;
void contractMatchesChannels;

/** Events the host pushes to the renderer. */
export interface ApiEvents {
  /** A run changed: status, progress or headline. */
  'run-updated': RunSummary;
  /** An import read more rows, finished or failed. */
  'dataset-import-progress': ImportProgress;
}
