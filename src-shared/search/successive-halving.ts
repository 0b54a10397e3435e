// ASHA-style successive halving (Li et al. 2020, "A System for Massively Parallel Hyperparameter
// Tuning", Algorithm 2, stopping variant): every candidate trains with its full epochs; at each rung
// (epoch r_min·eta^k) a run goes on only if it is in the top 1/eta, by the objective, of the runs of
// its method that reached that rung and meet the constraints. It is judged once per rung, when it
// gets there, against the runs that got there before it (so the first to arrive always goes on).
import { meetsConstraint, type Constraint, type Objective } from './search-config';

/** Metric values by headline name (retention, targetGain, …); null or absent where not measured. */
export type Metrics = Readonly<Record<string, number | null | undefined>>;

/** A run's metrics at the end of one epoch (1-based). */
export interface CurvePoint {
  epoch: number;
  metrics: Metrics;
}

/** What halving needs of a candidate run. */
export interface HalvingRun {
  id: string;
  /** Runs compete only within a group: the method entry of the study (its sweep id). */
  group: string;
  /** Epochs the run trains in full. */
  epochs: number;
  /** End-of-epoch metrics stored so far, by epoch ascending. */
  curve: readonly CurvePoint[];
  /** Only running runs are judged; the others are still peers at the rungs they reached. */
  running: boolean;
}

/** How a search ranks and halves. */
export interface HalvingRules {
  objective: Objective;
  constraints: readonly Constraint[];
  eta: number;
  minEpochs: number;
}

/** The decision on one run at one rung. */
export interface Verdict {
  id: string;
  /** Rung index k (epoch minEpochs·eta^k). */
  rung: number;
  epoch: number;
  stop: boolean;
  /** Why it stops (empty when it goes on). */
  why: string;
}

/** The rung epochs below a run's last epoch (its last epoch needs no decision). */
export function rungEpochs(minEpochs: number, eta: number, epochs: number): number[] {
  const out: number[] = [];
  for (let r = minEpochs; r < epochs; r *= eta) out.push(r);
  return out;
}

/** A constraint as the user wrote it, for messages: 'retention >= 0.9'. */
export function describeConstraint(c: Constraint): string {
  return `${c.metric} ${c.op} ${c.value}`;
}

/** The constraints these metrics break (all of them where a metric is missing). */
export function brokenConstraints(metrics: Metrics, constraints: readonly Constraint[]): Constraint[] {
  return constraints.filter((c) => !meetsConstraint(c, metrics[c.metric]));
}

/** The objective's value of these metrics, signed so that larger is better; null where it is not measured. */
export function objectiveScore(metrics: Metrics, objective: Objective): number | null {
  const v = metrics[objective.metric];
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  return objective.direction === 'maximize' ? v : -v;
}

/** Orders by score descending, ties by id, so that every process ranks the same way. */
function better(a: { id: string; score: number }, b: { id: string; score: number }): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The verdicts due now: each running run at each rung it reached and that `judged` (run id → rungs
 * already judged) has not seen, in rung order, up to its first stop. The caller records them.
 */
export function judgeRungs(runs: readonly HalvingRun[], rules: HalvingRules, judged: ReadonlyMap<string, number>): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const run of runs) {
    if (!run.running) continue;
    const rungs = rungEpochs(rules.minEpochs, rules.eta, run.epochs);
    for (let k = judged.get(run.id) ?? 0; k < rungs.length; k++) {
      const epoch = rungs[k];
      const own = run.curve.find((p) => p.epoch === epoch);
      if (!own) break;
      const verdict = judgeAt(run, epoch, own.metrics, runs, rules);
      verdicts.push({ id: run.id, rung: k, epoch, ...verdict });
      if (verdict.stop) break;
    }
  }
  return verdicts;
}

function judgeAt(run: HalvingRun, epoch: number, metrics: Metrics, runs: readonly HalvingRun[], rules: HalvingRules): { stop: boolean; why: string } {
  const broken = brokenConstraints(metrics, rules.constraints);
  if (broken.length) return { stop: true, why: `breaks ${broken.map(describeConstraint).join(' and ')}` };
  const own = objectiveScore(metrics, rules.objective);
  if (own === null) return { stop: true, why: `${rules.objective.metric} is not measured` };
  // Peers: the runs of its group that reached this rung and meet the constraints there, itself included.
  const peers: { id: string; score: number }[] = [];
  for (const other of runs) {
    if (other.group !== run.group) continue;
    const at = other.curve.find((p) => p.epoch === epoch);
    if (!at || brokenConstraints(at.metrics, rules.constraints).length) continue;
    const score = objectiveScore(at.metrics, rules.objective);
    if (score !== null) peers.push({ id: other.id, score });
  }
  peers.sort(better);
  const rank = peers.findIndex((p) => p.id === run.id);
  const keep = Math.max(1, Math.ceil(peers.length / rules.eta));
  if (rank < keep) return { stop: false, why: '' };
  return { stop: true, why: `${rules.objective.metric} ranks ${rank + 1} of ${peers.length} (top ${keep} go on)` };
}

/** The best of these runs' final metrics under the constraints; null when none meets them. */
export function bestRun<R extends { id: string; final: Metrics | null }>(runs: readonly R[], rules: Pick<HalvingRules, 'objective' | 'constraints'>): R | null {
  let best: { run: R; id: string; score: number } | null = null;
  for (const run of runs) {
    if (!run.final || brokenConstraints(run.final, rules.constraints).length) continue;
    const score = objectiveScore(run.final, rules.objective);
    if (score === null) continue;
    const entry = { run, id: run.id, score };
    if (!best || better(entry, best) < 0) best = entry;
  }
  return best?.run ?? null;
}
