import { aggregateMetrics, type SeedStat } from '../aggregate';
import { paretoFrontier } from '../pareto';
import { bestRun, brokenConstraints, describeConstraint, type HalvingRules, type Metrics } from './successive-halving';

/** One run of a search as the result reads it. */
export interface SearchRunFacts {
  id: string;
  /** The method entry it belongs to (its sweep id) and that entry's label. */
  group: string;
  label: string;
  /** Identity of its grid point (its config without the seed) and the swept values. */
  pointKey: string;
  point: Record<string, unknown>;
  seed: number;
  /** A sampled candidate (first seed) or a seed re-run of a chosen point. */
  role: 'candidate' | 'seed';
  status: 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';
  /** The epoch the search stopped it at; null when it was not stopped by the search. */
  stoppedAt: number | null;
  /** Epochs it trained (fractional for a run stopped mid-epoch). */
  epochsTrained: number;
  /** Its final headline metrics; null until it completes. */
  final: Metrics | null;
}

/** The chosen setting of one method and how it did over the final seeds. */
export interface ChosenSetting {
  /** The candidate run that won the search. */
  runId: string;
  point: Record<string, unknown>;
  /** Seeds whose runs completed, and those still queued or running. */
  seeds: number[];
  pendingSeeds: number[];
  runIds: string[];
  /** Mean, sample std and 95% interval of each headline metric over the completed seeds. */
  metrics: Record<string, SeedStat>;
  /** Whether the seeds' means still meet the constraints (a single seed's win may not hold up). */
  meetsConstraintsOnMean: boolean;
}

/** What the search found for one method entry. */
export interface MethodOutcome {
  group: string;
  label: string;
  candidates: number;
  completed: number;
  stopped: number;
  chosen: ChosenSetting | null;
  /** Why nothing is chosen (yet). */
  note: string;
}

/** A run on the retention / target-gain frontier. */
export interface FrontierRun {
  runId: string;
  group: string;
  label: string;
  point: Record<string, unknown>;
  targetGain: number;
  retention: number;
}

/** Runs and epochs: what the search spent and what the whole grid over every seed would have. */
export interface SearchSpend {
  runs: number;
  epochs: number;
  stoppedRuns: number;
  fullGrid: { runs: number; epochs: number };
}

/** The outcome of a search: per method, the frontier, the spend. */
export interface SearchOutcome {
  objective: string;
  constraints: string[];
  /** True once every run of the search has ended and every chosen point's seeds have run. */
  finished: boolean;
  methods: MethodOutcome[];
  frontier: FrontierRun[];
  spend: SearchSpend;
}

/**
 * The result of a search from its runs: per method the best completed candidate under the constraints
 * with its seeds' statistics, the Pareto frontier of retention vs target gain over the completed
 * candidates, and the runs and epochs spent against the full grid (`grid`: its points and their
 * epochs summed, over `seeds` seeds).
 */
export function searchOutcome(
  runs: readonly SearchRunFacts[],
  rules: Pick<HalvingRules, 'objective' | 'constraints'>,
  grid: { points: number; epochs: number },
  seeds: number,
): SearchOutcome {
  const groups = [...new Map(runs.map((r) => [r.group, r.label])).entries()];
  const methods = groups.map(([group, label]) =>
    methodOutcome(
      runs.filter((r) => r.group === group),
      group,
      label,
      rules,
    ),
  );
  const done = (r: SearchRunFacts) => r.status !== 'queued' && r.status !== 'running';
  const completedCandidates = runs.filter((r) => r.role === 'candidate' && r.status === 'completed' && r.final);
  const frontier = paretoFrontier(
    completedCandidates.flatMap((r) => {
      const x = r.final!.targetGain,
        y = r.final!.retention;
      return typeof x === 'number' && typeof y === 'number' ? [{ x, y, run: r }] : [];
    }),
  ).map(({ x, y, run }) => ({ runId: run.id, group: run.group, label: run.label, point: run.point, targetGain: x, retention: y }));
  return {
    objective: `${rules.objective.direction} ${rules.objective.metric}`,
    constraints: rules.constraints.map(describeConstraint),
    // A chosen point whose seeds are not launched yet (the driver launches them as the last candidate ends) is not finished.
    finished: runs.every(done) && methods.every((m) => m.chosen === null || (m.chosen.pendingSeeds.length === 0 && m.chosen.runIds.length >= seeds)),
    methods,
    frontier,
    spend: {
      runs: runs.length,
      epochs: runs.reduce((sum, r) => sum + r.epochsTrained, 0),
      stoppedRuns: runs.filter((r) => r.stoppedAt !== null).length,
      fullGrid: { runs: grid.points * seeds, epochs: grid.epochs * seeds },
    },
  };
}

function methodOutcome(runs: readonly SearchRunFacts[], group: string, label: string, rules: Pick<HalvingRules, 'objective' | 'constraints'>): MethodOutcome {
  const candidates = runs.filter((r) => r.role === 'candidate');
  const completed = candidates.filter((r) => r.status === 'completed');
  const base = { group, label, candidates: candidates.length, completed: completed.length, stopped: candidates.filter((r) => r.stoppedAt !== null).length };
  const unfinished = candidates.some((r) => r.status === 'queued' || r.status === 'running');
  const winner = unfinished ? null : bestRun(completed, rules);
  if (!winner) {
    const note = unfinished
      ? 'candidates still training'
      : rules.constraints.length
        ? `no completed candidate meets ${rules.constraints.map(describeConstraint).join(' and ')}`
        : `no completed candidate measured ${rules.objective.metric}`;
    return { ...base, chosen: null, note };
  }
  const atPoint = runs.filter((r) => r.pointKey === winner.pointKey);
  const ended = atPoint.filter((r) => r.status === 'completed' && r.final);
  const metrics = aggregateMetrics(ended.map((r) => r.final as Record<string, number | null>));
  const means = Object.fromEntries(Object.entries(metrics).map(([k, s]) => [k, s.mean]));
  return {
    ...base,
    chosen: {
      runId: winner.id,
      point: winner.point,
      seeds: ended.map((r) => r.seed),
      pendingSeeds: atPoint.filter((r) => r.status === 'queued' || r.status === 'running').map((r) => r.seed),
      runIds: atPoint.map((r) => r.id),
      metrics,
      meetsConstraintsOnMean: brokenConstraints(means, rules.constraints).length === 0,
    },
    note: '',
  };
}
