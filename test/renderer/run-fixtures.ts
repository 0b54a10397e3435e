import type { RunDetail, RunHeadline, RunSummary } from '../../src-shared/api';
import { RUN_RECORD_VERSION, type BaseModelSpec, type Metric, type RunConfig, type StoredRunConfig } from '../../src-shared/config';
import type { EvalPoint } from '../../src-shared/evaluation';

/** What a test run varies; everything else is a small digits study as `retainlab run` stores it. */
export interface RunSpec {
  id: string;
  methodId?: string;
  methodLabel?: string;
  params?: Record<string, unknown>;
  seed?: number;
  learningRate?: number;
  epochs?: number;
  task?: string | null;
  metric?: Metric;
  /** Where the target is measured otherwise (a language model fine-tuned into a classifier). */
  targetMetric?: Metric;
  studyId?: string | null;
  studyName?: string;
  kind?: RunSummary['kind'];
  status?: RunSummary['status'];
  recipe?: string;
  createdAt?: string;
  tags?: string[];
  note?: string;
  headline?: RunHeadline | null;
  /** What differs in the base model (e.g. its classes and their names). */
  baseModel?: Partial<BaseModelSpec>;
}

/** The stored run record (pretraining or fine-tuning); budget and pretrain learning rates both present. */
function configOf(s: RunSpec): StoredRunConfig {
  const metric = s.metric ?? 'accuracy';
  const common = {
    version: RUN_RECORD_VERSION,
    studyName: s.studyName ?? 'digits study',
    baseModel: {
      recipe: (s.recipe ?? 'mlp') as BaseModelSpec['recipe'],
      classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      data: { source: 'mnist-digits', splitSeed: 0, pretrainShare: 0.6, evalShare: 0.2, useFraction: 0.05 },
      pretrain: { epochs: 1, batchSize: 64, learningRate: 0.001, seed: 0 },
      ...s.baseModel,
    } as BaseModelSpec,
    target: { task: (s.task ?? 'rotate90') as RunConfig['target']['task'] },
    backend: 'wasm' as const,
    metric,
  };
  if (s.kind === 'pretrain') return { kind: 'pretrain', ...common };
  return {
    kind: 'finetune',
    ...common,
    method: { id: s.methodId ?? 'vanilla', params: s.params ?? {}, with: [] },
    budget: { epochs: s.epochs ?? 1, batchSize: 64, learningRate: s.learningRate ?? 0.001, evalsPerEpoch: 1 },
    seed: s.seed ?? 0,
    ...(metric === 'loss' ? { lossRise: 0.1 } : {}),
  };
}

/** Headline numbers from A_pre and A_tgt of θ₀ and θ_ft (accuracy metric). */
export function headline(aPre: number, aTgt: number, base: { aPre: number; aTgt: number } = { aPre: 0.9, aTgt: 0.1 }): RunHeadline {
  return {
    aPreBase: base.aPre,
    aTgtBase: base.aTgt,
    aTgtBaseIsProbe: false,
    aPre,
    aTgt,
    retention: aPre / base.aPre,
    forgetting: base.aPre - aPre,
    targetGain: aTgt - base.aTgt,
    cdAbs: 0.05,
    cdCond: 0.06,
    weightDistance: 1,
    weightDistanceRel: 0.05,
  };
}

/** A run as the Runs table lists it. */
export function summary(s: RunSpec): RunSummary {
  const methodId = s.methodId ?? 'vanilla';
  return {
    id: s.id,
    studyId: s.studyId === undefined ? 'study-1' : s.studyId,
    studyName: s.studyName ?? 'digits study',
    kind: s.kind ?? 'finetune',
    methodId,
    methodLabel: s.methodLabel ?? (methodId === 'vanilla' ? 'Vanilla fine-tuning' : methodId),
    recipe: s.recipe ?? 'mlp',
    task: s.task === undefined ? 'rotate90' : s.task,
    taskLabel: s.task === undefined ? 'rotate90' : s.task,
    seed: s.seed ?? 0,
    status: s.status ?? 'completed',
    error: null,
    backend: 'wasm',
    baseModelId: 'base-1',
    createdAt: s.createdAt ?? '2026-01-01T00:00:00.000Z',
    startedAt: null,
    endedAt: null,
    owner: null,
    attempts: 0,
    progress: null,
    headline: s.headline === undefined ? headline(0.8, 0.6) : s.headline,
    pretrainAccuracy: null,
    archived: false,
    config: configOf(s),
    metric: s.metric ?? 'accuracy',
    targetMetric: s.targetMetric ?? s.metric ?? 'accuracy',
    tags: s.tags ?? [],
    note: s.note ?? '',
  };
}

/** An evaluation point; only what a test sets differs from a plain training point. */
export function point(p: Partial<EvalPoint> & Pick<EvalPoint, 'step' | 'aPre'>): EvalPoint {
  return {
    epoch: 1,
    phase: 'train',
    alpha: null,
    aTgt: null,
    cdAbs: 0,
    cdCond: 0,
    gainedAbs: 0,
    loss: null,
    weightDistance: 0,
    weightDistanceRel: 0,
    perClass: [],
    perLayer: [],
    extras: {},
    ...p,
  };
}

/** A run with its evaluation points, as the figures receive it. */
export function detail(s: RunSpec, evaluations: EvalPoint[]): RunDetail {
  return { ...summary(s), evaluations, logs: [] };
}
