import { z } from 'zod';
import type { RunConfig, StudyConfig, StudyConfigInput, BackendName } from './config';
import type { EvalPoint } from './evaluation';
import type { ParamSpec } from './params';

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
  seed: number;
  status: RunStatus;
  error: string | null;
  backend: BackendName | null;
  baseModelId: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  progress: RunProgress | null;
  headline: RunHeadline | null;
}

/** A run with its full config and every evaluation point. */
export interface RunDetail extends RunSummary {
  config: RunConfig | Record<string, unknown>;
  evaluations: EvalPoint[];
}

/** A stored base model. */
export interface BaseModelSummary {
  id: string;
  name: string;
  recipe: string;
  classes: number[];
  status: 'pretraining' | 'ready' | 'failed';
  pretrainRunId: string | null;
  aPre: number | null;
  paramCount: number | null;
  createdAt: string;
}

/** A method of the registry, self-describing so the wizard can build its form. */
export interface MethodInfo {
  id: string;
  label: string;
  summary: string;
  reference: string;
  params: ParamSpec[];
}

/** A built-in choice (recipe or target task) with its explanation. */
export interface CatalogEntry {
  id: string;
  label: string;
  description: string;
}

/** Everything the wizard offers. */
export interface Catalog {
  methods: MethodInfo[];
  recipes: CatalogEntry[];
  tasks: (CatalogEntry & { sharesHead: boolean })[];
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
  baseModelId: string;
  /** Set when the base model had to be pretrained first (a run of its own). */
  pretrainRunId: string | null;
}

/** Result of checking a study config without launching it. */
export type StudyCheck = { ok: true; config: StudyConfig; runCount: number } | { ok: false; issues: string[] };

/** The API contract between renderer and host; both transports (IPC, HTTP) carry exactly this. */
export interface RetainLabApi {
  appInfo(): Promise<AppInfo>;
  catalog(): Promise<Catalog>;
  listRuns(): Promise<RunSummary[]>;
  getRun(id: string): Promise<RunDetail>;
  listBaseModels(): Promise<BaseModelSummary[]>;
  checkStudy(config: StudyConfigInput): Promise<StudyCheck>;
  launchStudy(config: StudyConfigInput): Promise<LaunchResult>;
  cancelRun(id: string): Promise<RunSummary>;
}

/** Argument schemas of every API method: each transport validates calls against them. */
export const apiArgs = {
  appInfo: z.tuple([]),
  catalog: z.tuple([]),
  listRuns: z.tuple([]),
  getRun: z.tuple([z.string().min(1).max(100)]),
  listBaseModels: z.tuple([]),
  checkStudy: z.tuple([z.unknown()]),
  launchStudy: z.tuple([z.unknown()]),
  cancelRun: z.tuple([z.string().min(1).max(100)]),
} satisfies Record<keyof RetainLabApi, z.ZodType>;

/** Names of the API methods (the allow-listed channels). */
export type ApiMethod = keyof RetainLabApi;
/** Allow-list of API channels. */
export const API_METHODS = Object.keys(apiArgs) as ApiMethod[];

/** Events the host pushes to the renderer. */
export interface ApiEvents {
  /** A run changed: status, progress or headline. */
  'run-updated': RunSummary;
}

/** Names of the events. */
export const API_EVENTS = ['run-updated'] as const satisfies readonly (keyof ApiEvents)[];

/** An error as it crosses a transport. */
export interface ApiErrorPayload {
  name: string;
  message: string;
  issues?: string[];
}
