import { rangeProblem, type FieldRange } from '../../../src-shared/field-ranges';
import type { ParamSpec, ParamValue } from '../../../src-shared/params';
import { isRangeInput, isSweep, rangeValues, SWEEP_MAX_VALUES, type SweepRange, type SweepValues } from '../../../src-shared/sweep';
import { parseNumberList } from '../number-list';

/** What a sweepable wizard field holds: a fixed value, a list of values, or a range (kept as written, so a saved study keeps it). */
export type SweepDraft = ParamValue | SweepValues | SweepRange;

/** How a field is set: one value, a list of values, or a range from–to in n steps. */
export type SweepMode = 'fixed' | 'values' | 'range';

/** What a field takes, as its sweep editor needs to know: numbers (whole or not) within a range, one of some options, a list of numbers, or a switch. */
export type SweepKind =
  | { type: 'number' | 'integer'; range: FieldRange; log?: boolean }
  | { type: 'enum'; options: string[] }
  | { type: 'number-list'; range: FieldRange }
  | { type: 'boolean' };

/** The sweep kind of a method parameter. */
export function kindOfSpec(spec: ParamSpec): SweepKind {
  if (spec.type === 'boolean') return { type: 'boolean' };
  if (spec.type === 'enum') return { type: 'enum', options: spec.options };
  const range: FieldRange = { min: spec.min, max: spec.max, step: spec.type === 'integer' ? 1 : 'any' };
  if (spec.type === 'number-list') return { type: 'number-list', range: { ...range, step: 'any' } };
  return { type: spec.type, range, ...(spec.type === 'number' && spec.log ? { log: true } : {}) };
}

/** How a value is set now. */
export function sweepMode(value: unknown): SweepMode {
  if (isRangeInput(value)) return 'range';
  return isSweep(value) ? 'values' : 'fixed';
}

/** The modes a kind offers: ranges only for numbers; a list-valued field sweeps by listing its lists; a switch runs both ways. */
export function sweepModes(kind: SweepKind): SweepMode[] {
  return kind.type === 'number' || kind.type === 'integer' ? ['fixed', 'values', 'range'] : ['fixed', 'values'];
}

/** The values a field gives, in order: one when fixed; a range's after rounding (integers) and dropping repeats. */
export function draftValues(value: SweepDraft, kind: SweepKind): ParamValue[] {
  if (isRangeInput(value)) return rangeValues(value as SweepRange, kind.type === 'integer');
  if (isSweep(value)) return value.values;
  return [value as ParamValue];
}

/**
 * The same field in another mode, keeping what it can: a list starts from the fixed value (a switch: from it, then
 * the other way), a range spans the list, fixed takes the first value.
 */
export function switchMode(value: SweepDraft, mode: SweepMode, kind: SweepKind): SweepDraft {
  const values = draftValues(value, kind);
  if (mode === 'fixed') return values[0];
  if (mode === 'values' && kind.type === 'boolean' && values.length === 1) return { values: [values[0], !values[0]] };
  if (mode === 'values') return { values };
  const numbers = values.filter((v): v is number => typeof v === 'number');
  const from = numbers[0] ?? 1;
  const log = (kind.type === 'number' || kind.type === 'integer') && kind.log === true && from > 0;
  const spread = numbers.length > 1 ? numbers.at(-1)! : defaultEnd(from, kind, log);
  return { from, to: spread, steps: Math.max(3, numbers.length), scale: log ? 'log' : 'linear' };
}

// A range started from one value: a decade up on a log scale, else double it, kept inside the field's limits.
function defaultEnd(from: number, kind: SweepKind, log: boolean): number {
  const max = 'range' in kind ? kind.range.max : undefined;
  const end = log ? from * 10 : from === 0 ? 1 : from * 2;
  return max !== undefined && Number.isFinite(max) && end > max ? max : end;
}

/** A list of values as the values input shows it: "1, 4, 16"; lists of lists (an α grid) separated by semicolons. */
export function valuesText(values: ParamValue[], kind: SweepKind): string {
  return kind.type === 'number-list' ? values.map((v) => (v as number[]).join(', ')).join('; ') : values.join(', ');
}

/** The values typed into a values input, or why they are not values of this field. */
export function parseValues(text: string, kind: SweepKind): { values: ParamValue[] } | { problem: string } {
  if (kind.type === 'number-list') {
    const lists: number[][] = [];
    for (const part of text.split(';').filter((p) => p.trim() !== '')) {
      const parsed = parseNumberList(part, kind.range);
      if ('problem' in parsed) return parsed;
      lists.push(parsed.values);
    }
    return checkCount(lists);
  }
  if (kind.type === 'enum' || kind.type === 'boolean') {
    const options = kind.type === 'enum' ? kind.options : ['false', 'true'];
    const parts = text
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const bad = parts.find((p) => !options.includes(p));
    if (bad !== undefined) return { problem: `“${bad}” is not one of ${options.join(', ')}` };
    return checkCount(kind.type === 'enum' ? parts : parts.map((p) => p === 'true'));
  }
  const parsed = parseNumberList(text, kind.range);
  return 'problem' in parsed ? parsed : checkCount(parsed.values);
}

// Problems the host would also refuse, said while typing: no value, too many, a value twice.
function checkCount(values: ParamValue[]): { values: ParamValue[] } | { problem: string } {
  if (!values.length) return { problem: 'enter at least one value' };
  if (values.length > SWEEP_MAX_VALUES) return { problem: `at most ${SWEEP_MAX_VALUES} values` };
  const seen = new Set<string>();
  for (const v of values) {
    const key = JSON.stringify(v);
    if (seen.has(key)) return { problem: `${Array.isArray(v) ? `[${v.join(', ')}]` : v} is listed twice` };
    seen.add(key);
  }
  return { values };
}

/** Why a range cannot be run (a bound outside the field's limits, too few steps, a log range through 0), or null. */
export function rangeDraftProblem(range: SweepRange, kind: SweepKind): string | null {
  if (!('range' in kind)) return 'this field takes no range';
  for (const [name, bound] of [
    ['from', range.from],
    ['to', range.to],
  ] as const) {
    const problem = rangeProblem(bound, { ...kind.range, step: 'any' });
    if (problem) return `${name} ${problem}`;
  }
  if (!Number.isInteger(range.steps) || range.steps < 2 || range.steps > SWEEP_MAX_VALUES) return `steps must be a whole number from 2 to ${SWEEP_MAX_VALUES}`;
  if (range.scale === 'log' && (range.from <= 0 || range.to <= 0)) return 'a log range needs from and to above 0';
  return null;
}
