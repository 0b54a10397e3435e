import type { Domain, Objective } from './config';
import { taskOf, type TargetTask } from './tasks/lookup';
import type { CorpusId } from './tasks/task';
import { metricRetention } from './metrics';

// A generality suite (Lin et al. 2023's generality axes): besides the pretrain eval set that A_pre is
// measured on, a study may name further sets of what the base model can do, each measured with the
// pretrain head and metric at every evaluation point, reported per set and as their mean.

/** One evaluation set a generality suite can name: what it holds and which studies can measure it. */
export interface GeneralitySet {
  id: string;
  /** Its name in tables and figures. */
  label: string;
  /** What it measures, for the wizard and the docs. */
  description: string;
  domain: Extract<Domain, 'digits' | 'text'>;
  objective: Objective;
  /** Text sets: the corpus whose held-out documents it reads. */
  corpus?: CorpusId;
}

const textSet = (id: CorpusId, label: string, what: string): GeneralitySet => ({
  id,
  label,
  description: `Language-model loss (next-token; a BERT's masked-token) on ${what} that the study trains on nowhere (documents of neither the pretrain nor a target training split).`,
  domain: 'text',
  objective: 'language-model',
  corpus: id,
});

/** Every set a generality suite can name, in the order the wizard offers them. */
export const GENERALITY_SETS = [
  {
    id: 'upright',
    label: 'Upright digits',
    description: 'The pretrain eval digits as they are: the set A_pre is measured on.',
    domain: 'digits',
    objective: 'classification',
  },
  {
    id: 'unseen-upright',
    label: 'Unseen upright digits',
    description: 'Held-out digits of the target pool, upright and of the pretrain classes: digits the base model never saw, in its own domain.',
    domain: 'digits',
    objective: 'classification',
  },
  {
    id: 'noisy-digits',
    label: 'Noisy digits',
    description: 'The pretrain eval digits with Gaussian pixel noise (σ = 0.3, clipped to [0, 1], seeded by the split seed).',
    domain: 'digits',
    objective: 'classification',
  },
  {
    id: 'shifted-digits',
    label: 'Shifted digits',
    description: 'The pretrain eval digits moved 3 pixels right and 3 down (the uncovered border is blank).',
    domain: 'digits',
    objective: 'classification',
  },
  textSet('moby-dick', 'Moby Dick', 'Moby Dick chapters'),
  textSet('sotu', 'State of the Union', 'State of the Union addresses'),
  textSet('spam-assassin', 'SpamAssassin mail', 'SpamAssassin e-mails'),
] as const satisfies readonly GeneralitySet[];

/** The id of a set of GENERALITY_SETS. */
export type GeneralitySetId = (typeof GENERALITY_SETS)[number]['id'];

/** Every generality set's id (the study schema's enum). */
export const GENERALITY_SET_IDS = GENERALITY_SETS.map((s) => s.id) as [GeneralitySetId, ...GeneralitySetId[]];

/** The most sets one suite names: each costs an evaluation pass at every evaluation point. */
export const MAX_GENERALITY_SETS = 6;

/** A generality set by id. */
export function generalitySetOf(id: GeneralitySetId): GeneralitySet {
  return GENERALITY_SETS.find((s) => s.id === id)!;
}

/** The sets a task's studies can measure: those of its domain and objective (none for library datasets or text classifiers yet). */
export function generalitySetsFor(task: TargetTask): GeneralitySet[] {
  const t = taskOf(task);
  return GENERALITY_SETS.filter((s) => s.domain === t.domain && s.objective === t.objective);
}

/** Problems of a suite for a task: sets named twice, or sets its model cannot be measured on (each named, with the ones it can). */
export function generalityIssues(task: TargetTask, sets: readonly GeneralitySetId[] | undefined): { path: (string | number)[]; message: string }[] {
  if (!sets) return [];
  const fits = generalitySetsFor(task).map((s) => s.id);
  const issues: { path: (string | number)[]; message: string }[] = [];
  sets.forEach((id, i) => {
    if (sets.indexOf(id) !== i) issues.push({ path: ['generality', i], message: `'${id}' is named twice in the generality suite` });
    else if (!fits.includes(id))
      issues.push({
        path: ['generality', i],
        message: fits.length
          ? `the task '${task}' cannot be measured on '${id}' (a ${generalitySetOf(id).domain} set); its sets: ${fits.join(', ')}`
          : `the task '${task}' has no generality sets yet (they exist for the built-in digits and for language-model text); remove 'generality'`,
      });
  });
  return issues;
}

/** One set's result in a run's headline: its metric at θ₀ and at the end, and the retention between them. */
export interface GeneralityResult {
  set: GeneralitySetId;
  label: string;
  base: number;
  final: number;
  /** As the run's retention: final/base for accuracy, base/final for a loss; null where undefined. */
  retention: number | null;
}

/** The headline fields of a generality suite from each set's metric at θ₀ and at the end: per set, and their means. */
export function generalityHeadline(
  metric: 'accuracy' | 'loss',
  sets: readonly GeneralitySetId[],
  base: Record<string, number>,
  final: Record<string, number>,
): { generality: GeneralityResult[]; aGen: number; retentionGen: number | null } {
  const generality = sets.map((set) => ({
    set,
    label: generalitySetOf(set).label,
    base: base[set],
    final: final[set],
    retention: metricRetention(metric, base[set], final[set]),
  }));
  const kept = generality.map((g) => g.retention);
  return {
    generality,
    aGen: generality.reduce((s, g) => s + g.final, 0) / generality.length,
    retentionGen: kept.every((r) => r !== null) ? kept.reduce((s, r) => s + r!, 0) / kept.length : null,
  };
}

/** A headline's generality suite as flat metrics (`gen:<set>`, `genRet:<set>`), for seed groups and tables; {} without a suite. */
export function generalityMetrics(headline: { generality?: readonly GeneralityResult[] } | null | undefined): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const g of headline?.generality ?? []) {
    out[`gen:${g.set}`] = g.final;
    out[`genRet:${g.set}`] = g.retention;
  }
  return out;
}
