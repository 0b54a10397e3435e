import { rangeProblem, type FieldRange } from '../../src-shared/field-ranges';

/** A comma-separated list of numbers as typed (seeds, an α grid): its numbers, or why it is not a list of numbers within `range`. */
export function parseNumberList(input: string, range: FieldRange): { values: number[] } | { problem: string } {
  const parts = input
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (!parts.length) return { problem: 'enter at least one number' };
  const values = parts.map(Number);
  for (const [i, value] of values.entries()) {
    if (!Number.isFinite(value) || (range.step === 1 && !Number.isInteger(value)))
      return { problem: `“${parts[i]}” is not ${range.step === 1 ? 'an integer' : 'a number'}` };
    const problem = rangeProblem(value, range);
    if (problem) return { problem: `${parts[i]} ${problem}` };
  }
  return { values };
}
