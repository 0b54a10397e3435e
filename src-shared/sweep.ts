import { z } from 'zod';
import type { ParamValue } from './params';
import { Rng } from './rng';

/** A study that expands to more fine-tuning runs than this is launched only when the caller confirms the count. */
export const SWEEP_CONFIRM_RUNS = 100;
/** The most fine-tuning runs one study may expand to. */
export const SWEEP_MAX_RUNS = 10_000;
/** The most points one method entry's grid may have, sampled or not: its points are listed to sample them. */
export const SWEEP_MAX_GRID = 100_000;
/** The most values one swept field may take. */
export const SWEEP_MAX_VALUES = 1_000;

/** A swept field as a validated study stores it: the values it takes, in order (ranges are expanded when validated). */
export interface SweepValues {
  values: ParamValue[];
}

/** A range as a study file may write it: `steps` values from `from` to `to`, evenly spaced on a linear or log scale. */
export const sweepRangeSchema = z
  .strictObject({
    from: z.number(),
    to: z.number(),
    steps: z.number().int().min(2).max(SWEEP_MAX_VALUES),
    scale: z.enum(['linear', 'log']).default('linear'),
  })
  .superRefine((r, ctx) => {
    if (r.scale === 'log' && (r.from <= 0 || r.to <= 0)) ctx.addIssue({ code: 'custom', message: 'a log range needs from and to above 0' });
  });

/** A range of a study file. */
export type SweepRange = z.infer<typeof sweepRangeSchema>;

/** True for a sweep in a validated study (`{values: [...]}`); fixed values (numbers, strings, booleans, lists) are not. */
export function isSweep(value: unknown): value is SweepValues {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as { values?: unknown }).values);
}

/** True for any way a study file writes a sweep of a field whose fixed value is not a list: a list, `{values}` or a range. */
export function isSweepInput(value: unknown): boolean {
  return Array.isArray(value) || isRangeInput(value) || isSweep(value);
}

/** True for an object that is meant as a range (it has `from` or `to`). */
export function isRangeInput(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && ('from' in value || 'to' in value);
}

// Twelve significant digits: a log range's 1e-3 is 0.001, not 0.0010000000000000002, in labels and stored configs.
const tidy = (v: number) => Number(v.toPrecision(12));

/** The values of a range, in order; integer fields round them and drop repeats. */
export function rangeValues(range: SweepRange, integer: boolean): number[] {
  const { from, to, steps, scale } = range;
  const at = (i: number) => {
    const t = i / (steps - 1);
    return scale === 'log' ? Math.exp(Math.log(from) + t * (Math.log(to) - Math.log(from))) : from + t * (to - from);
  };
  const values = Array.from({ length: steps }, (_, i) => (integer ? Math.round(at(i)) : tidy(at(i))));
  return [...new Set(values)];
}

/** One field's problems as `path: message` strings, the form every study check reports. */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
}

/**
 * A field of a study file that is fixed or swept, normalised to its fixed value or `{values}`; every value
 * is checked by `check` (null when fine, else why not). `list` says the fixed value is itself a list, so only
 * `{values: [...]}` sweeps it. Issues are relative to the field.
 */
export function normaliseSweep(
  input: unknown,
  opts: { integer: boolean; list: boolean; check: (value: unknown) => FieldIssue[] },
): { value: unknown; issues: FieldIssue[] } {
  const swept = opts.list ? isSweep(input) || isRangeInput(input) : isSweepInput(input);
  if (!swept) return { value: input, issues: opts.check(input) };
  let values: unknown[];
  if (isRangeInput(input)) {
    const range = sweepRangeSchema.safeParse(input);
    if (!range.success) return { value: input, issues: range.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message })) };
    values = rangeValues(range.data, opts.integer);
  } else {
    const listed = Array.isArray(input) ? input : (input as SweepValues).values;
    const extra = Array.isArray(input) ? [] : Object.keys(input as object).filter((k) => k !== 'values');
    if (extra.length)
      return {
        value: input,
        issues: [{ path: [extra[0]], message: `a sweep is {"values": [...]} or a range {"from", "to", "steps", "scale"}; '${extra[0]}' is neither` }],
      };
    if (listed.length === 0) return { value: input, issues: [{ path: [], message: 'a sweep needs at least one value' }] };
    if (listed.length > SWEEP_MAX_VALUES) return { value: input, issues: [{ path: [], message: `a sweep takes at most ${SWEEP_MAX_VALUES} values` }] };
    values = listed;
  }
  const at = Array.isArray(input) ? (i: number) => [i] : isRangeInput(input) ? () => [] : (i: number) => ['values', i];
  let issues = values.flatMap((v, i) =>
    opts.check(v).map((issue) => ({
      path: [...at(i), ...issue.path],
      message: isRangeInput(input) ? `the range gives ${JSON.stringify(v)}: ${issue.message}` : issue.message,
    })),
  );
  // A range's bad values share one cause (its ends): the first says what to fix, not one line per value.
  if (isRangeInput(input) && issues.length > 1) issues = [{ ...issues[0], message: `${issues[0].message} (and ${issues.length - 1} more like it)` }];
  if (new Set(values.map((v) => JSON.stringify(v))).size < values.length) issues.push({ path: [], message: 'a sweep lists a value twice' });
  return { value: { values: values as ParamValue[] }, issues };
}

/** How a study file may write a sweepable number: fixed, a list, `{values}` or a range. */
export type SweepableNumberInput = number | number[] | { values: number[] } | { from: number; to: number; steps: number; scale?: 'linear' | 'log' };

/**
 * A zod field that is fixed (checked by `field`, default included) or swept (each value checked by it):
 * the study config's sweepable budget and data fields. Its output is the number or `{values}`.
 */
export function sweepable(field: z.ZodType<number>, integer: boolean) {
  // z.custom only types the input: every check is the transform's, so each value gets the field's own message.
  return z
    .custom<SweepableNumberInput>(() => true)
    .optional()
    .transform((input, ctx): number | SweepValues => {
      const check = (v: unknown): FieldIssue[] => {
        const r = field.safeParse(v);
        return r.success ? [] : r.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message }));
      };
      const { value, issues } = normaliseSweep(input, { integer, list: false, check });
      for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      if (issues.length) return z.NEVER;
      return isSweep(value) ? value : field.parse(value);
    });
}

/** The fixed value of a field, or its first value when swept. */
export function firstValue<T>(value: T | SweepValues): T {
  return isSweep(value) ? (value.values[0] as T) : value;
}

/** One axis of a grid: a run-config path and the values it takes. */
export interface SweepAxis {
  path: string;
  values: ParamValue[];
}

/** Every point of a grid (the cartesian product of its axes, the first axis outermost); one empty point when nothing is swept. */
export function gridPoints(axes: readonly SweepAxis[]): Record<string, ParamValue>[] {
  return axes.reduce<Record<string, ParamValue>[]>((points, axis) => points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.path]: v }))), [{}]);
}

/** How many points a grid has, without listing them. */
export function gridSize(axes: readonly SweepAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** A seeded sample of n points of a grid, without repeats, in grid order (all of them when n is not smaller). */
export function samplePoints<T>(points: readonly T[], n: number, seed: number): T[] {
  if (n >= points.length) return [...points];
  const picked = [...new Rng(seed).permutation(points.length).slice(0, n)].sort((a, b) => a - b);
  return picked.map((i) => points[i]);
}
