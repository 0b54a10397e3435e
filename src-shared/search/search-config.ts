import { z } from 'zod';
import { METRIC_COLUMNS } from '../metric-columns';

/** The headline metrics a search may optimise or constrain: the runs view's metric names (one source: METRIC_COLUMNS). */
export const SEARCH_METRICS = METRIC_COLUMNS.map((c) => c.key) as readonly string[];

/** A headline metric name a search reads. */
export type SearchMetric = string;

/** Comparison operators of a constraint, longest first so that '>=' is not read as '>'. */
export const CONSTRAINT_OPS = ['>=', '<=', '>', '<'] as const;

/** One parsed constraint: metric op value, e.g. retention >= 0.9. */
export interface Constraint {
  metric: SearchMetric;
  op: (typeof CONSTRAINT_OPS)[number];
  value: number;
}

const CONSTRAINT_RE = /^\s*(>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i;

/** Parses one constraint string ('>= 0.9') of a metric; null when it is not of that form. */
export function parseConstraint(metric: SearchMetric, text: string): Constraint | null {
  const m = CONSTRAINT_RE.exec(text);
  if (!m) return null;
  return { metric, op: m[1] as Constraint['op'], value: Number(m[2]) };
}

/** True when a value satisfies a constraint; a missing value (null, NaN) never does. */
export function meetsConstraint(c: Constraint, value: number | null | undefined): boolean {
  if (value === null || value === undefined || !Number.isFinite(value)) return false;
  switch (c.op) {
    case '>=':
      return value >= c.value;
    case '<=':
      return value <= c.value;
    case '>':
      return value > c.value;
    case '<':
      return value < c.value;
  }
}

const metricName = z.string().refine((m) => SEARCH_METRICS.includes(m), {
  error: (issue) => `unknown metric '${String(issue.input)}'; valid: ${SEARCH_METRICS.join(', ')}`,
});

/**
 * A study's `search`: successive halving over its sweep grid for the best setting of each method
 * by one metric under constraints (docs/search.md), e.g.
 * {"maximize": "targetGain", "subjectTo": {"retention": ">= 0.9"}, "budget": {"runs": 24, "seeds": 3}, "eta": 3}.
 */
export const searchSchema = z
  .strictObject({
    /** The metric to make as large as possible (give this or `minimize`). */
    maximize: metricName.optional(),
    /** The metric to make as small as possible (give this or `maximize`). */
    minimize: metricName.optional(),
    /** Floors and ceilings: metric → '>= 0.9', '< 0.1', …; a run that breaks one cannot win. */
    subjectTo: z.record(z.string(), z.string()).default({}),
    budget: z.strictObject({
      /** Candidate points sampled from the grid (all of it when the grid is smaller), trained on the first seed. */
      runs: z.number().int().min(1).max(1000),
      /** Seeds the chosen point of each method is run over at the end; default: the study's budget.seeds. */
      seeds: z.number().int().min(1).max(20).optional(),
    }),
    /** Halving rate: at each rung only the top 1/eta of the runs that reached it go on. */
    eta: z.number().int().min(2).max(10).default(3),
    /** Epoch of the first rung (r_min); later rungs are at minEpochs·eta^k. */
    minEpochs: z.number().int().min(1).max(200).default(1),
    /** Seed of the candidate sample; default: study.sweep.seed, else 0. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
  })
  .superRefine((search, ctx) => {
    if ((search.maximize === undefined) === (search.minimize === undefined))
      ctx.addIssue({ code: 'custom', path: ['maximize'], message: `give exactly one of maximize or minimize, naming one of: ${SEARCH_METRICS.join(', ')}` });
    for (const [metric, text] of Object.entries(search.subjectTo)) {
      if (!SEARCH_METRICS.includes(metric))
        ctx.addIssue({ code: 'custom', path: ['subjectTo', metric], message: `unknown metric '${metric}'; valid: ${SEARCH_METRICS.join(', ')}` });
      else if (!parseConstraint(metric, text))
        ctx.addIssue({
          code: 'custom',
          path: ['subjectTo', metric],
          message: `'${text}' is not a constraint; write an operator (${CONSTRAINT_OPS.join(', ')}) and a number, e.g. ">= 0.9"`,
        });
    }
  });

/** A validated search block. */
export type SearchConfig = z.infer<typeof searchSchema>;

/** The objective of a search: which metric and which way. */
export interface Objective {
  metric: SearchMetric;
  direction: 'maximize' | 'minimize';
}

/** The objective and parsed constraints of a validated search. */
export function searchGoal(search: SearchConfig): { objective: Objective; constraints: Constraint[] } {
  const objective: Objective =
    search.maximize !== undefined ? { metric: search.maximize, direction: 'maximize' } : { metric: search.minimize!, direction: 'minimize' };
  const constraints = Object.entries(search.subjectTo).map(([metric, text]) => parseConstraint(metric, text)!);
  return { objective, constraints };
}
