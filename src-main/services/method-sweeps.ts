import { z } from 'zod';
import type { MethodChoice } from '../../src-shared/config';
import type { ParamValue } from '../../src-shared/params';
import { pointLabel, withPoint } from '../../src-shared/study-grid';
import { gridPoints, gridSize, isSweep, normaliseSweep, SWEEP_MAX_RUNS, type FieldIssue, type SweepAxis } from '../../src-shared/sweep';
import { ValidationError } from '../../src-shared/validation';
import type { StudyContext } from '../engine/methods/method';
import { METHODS, paramsJsonSchema, parseMethodChoice } from '../engine/methods/registry';

const dotted = (path: (string | number)[]) => path.join('.');

/** A method component's swept parameters, normalised to `{values}` (each value checked by its own field), and their issues. */
function normaliseComponent(params: unknown, id: unknown, where: string): { params: unknown; axes: SweepAxis[]; issues: string[] } {
  const method = METHODS.find((m) => m.id === id);
  // An unknown id, or parameters that are no object, are parseMethodChoice's to report.
  if (!method || params === null || typeof params !== 'object' || Array.isArray(params)) return { params, axes: [], issues: [] };
  const { properties } = paramsJsonSchema(method);
  const out: Record<string, unknown> = { ...params };
  const axes: SweepAxis[] = [];
  const issues: string[] = [];
  for (const [key, input] of Object.entries(params)) {
    const field = method.params.shape[key];
    if (!field) continue;
    const check = (v: unknown): FieldIssue[] => {
      const r = z.safeParse(field, v);
      return r.success ? [] : r.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message }));
    };
    const type = properties[key]?.type;
    const normal = normaliseSweep(input, { integer: type === 'integer', list: type === 'array', check });
    if (!isSweep(normal.value)) continue;
    // A fixed value's problems are parseMethodChoice's to report, once.
    issues.push(...normal.issues.map((i) => `${where}.params.${dotted([key, ...i.path])}: ${i.message}`));
    out[key] = normal.value;
    axes.push({ path: `params.${key}`, values: normal.value.values });
  }
  return { params: out, axes, issues };
}

/**
 * Validates a method choice whose parameters may be swept (a list, `{values}` or a range; see
 * src-shared/sweep.ts): every point of its grid is checked by parseMethodChoice in every study
 * context (one per swept learning rate), and a swept parameter must apply at every point. Returns
 * the choice as a study stores it: defaults filled, parameters that apply at no point left out, each
 * swept parameter as `{values}` (study-grid.ts expands it into runs; resolve-study drops at each run
 * what does not apply at its point).
 */
export function parseSweptMethod(choice: MethodChoice, where: string, contexts: StudyContext[]): MethodChoice {
  const primary = normaliseComponent(choice.params, choice.id, where);
  const partners = choice.with.map((c, j) => normaliseComponent(c?.params, c?.id, `${where}.with.${j}`));
  const axes = [...primary.axes, ...partners.flatMap((p, j) => p.axes.map((a) => ({ ...a, path: `with.${j}.${a.path}` })))];
  const issues = [...primary.issues, ...partners.flatMap((p) => p.issues)];
  const points = gridSize(axes) * contexts.length;
  if (points > SWEEP_MAX_RUNS) issues.push(`${where}: its sweep has ${points} points (with the swept learning rates), more than ${SWEEP_MAX_RUNS}`);
  if (issues.length) throw new ValidationError(`Invalid method ${where}:\n  ${issues.join('\n  ')}`, issues);
  const normalised = { ...choice, params: primary.params, with: choice.with.map((c, j) => ({ ...c, params: partners[j].params })) } as MethodChoice;
  if (!axes.length) return parseMethodChoice(choice, where, contexts[0]);
  const seen = new Set<string>();
  const inapplicable = new Set<string>();
  // Parameters kept at one point and left out at another (lossBins applies only where partition is 'loss'):
  // the stored choice keeps every one that applies somewhere, and each run drops what does not apply at its point.
  let stored: MethodChoice | null = null;
  for (const point of gridPoints(axes)) {
    for (const context of contexts) {
      try {
        const parsed = parseMethodChoice(withPoint(normalised, point), where, context);
        stored = stored ? withParamsOf(stored, parsed) : parsed;
        for (const axis of axes) {
          if (pathValue(parsed, axis.path) !== undefined || inapplicable.has(axis.path)) continue;
          inapplicable.add(axis.path);
          const others = Object.fromEntries(Object.entries(point).filter(([path]) => path !== axis.path));
          const at = Object.keys(others).length ? ` at ${pointLabel(others)}` : " with the method's other settings";
          seen.add(`${where}.${axis.path}: swept, but it does not apply${at}; sweep it in a method entry of its own where it applies`);
        }
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        for (const issue of err.issues) seen.add(`${issue} (at ${pointLabel(point)})`);
      }
    }
  }
  if (seen.size) {
    // A grid repeats one problem at many points: ten of them say what to fix.
    const shown = [...seen].slice(0, 10);
    if (seen.size > shown.length) shown.push(`${where}: … and ${seen.size - shown.length} more problems at other points of its sweep`);
    throw new ValidationError(`Invalid method ${where}:\n  ${shown.join('\n  ')}`, shown);
  }
  // Every swept parameter applies at every point: the stored choice holds its values in its place.
  return axes.reduce((choice, axis) => withPoint(choice, { [axis.path]: { values: axis.values } as unknown as ParamValue }), stored!);
}

/** A choice with the parameters another parse of it kept that it lacks added. */
function withParamsOf(choice: MethodChoice, other: MethodChoice): MethodChoice {
  return {
    ...choice,
    params: { ...other.params, ...choice.params },
    with: choice.with.map((c, j) => ({ ...c, params: { ...other.with[j]?.params, ...c.params } })),
  };
}

function pathValue(record: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], record);
}
