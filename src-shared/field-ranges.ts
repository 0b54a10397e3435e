import { z } from 'zod';

/** What a number input needs to know of a numeric config field: its limits and whether it takes integers only. */
export interface FieldRange {
  min?: number;
  max?: number;
  step: 1 | 'any';
  /** The limit itself is refused (a learning rate > 0); absent when it is allowed. */
  exclusiveMin?: true;
  exclusiveMax?: true;
}

interface JsonNumber {
  type?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonNumber;
}

/** The range of one field's JSON Schema: inclusive or exclusive limits alike (a list: its items'). */
export function rangeOf(field: JsonNumber): FieldRange {
  // A list (the seeds) is limited item by item.
  const f = field.type === 'array' && field.items ? field.items : field;
  return {
    min: f.minimum ?? f.exclusiveMinimum,
    max: f.maximum ?? f.exclusiveMaximum,
    step: f.type === 'integer' ? 1 : 'any',
    ...(f.minimum === undefined && f.exclusiveMinimum !== undefined ? { exclusiveMin: true as const } : {}),
    ...(f.maximum === undefined && f.exclusiveMaximum !== undefined ? { exclusiveMax: true as const } : {}),
  };
}

/** Why a value is refused by a field's range ("must be more than 0"), or null when it fits; an emptied input (null, NaN) holds no number. */
export function rangeProblem(value: number | null | undefined, range: FieldRange): string | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'enter a number';
  if (range.step === 1 && !Number.isInteger(value)) return 'must be a whole number';
  if (range.min !== undefined && (range.exclusiveMin ? value <= range.min : value < range.min))
    return `must be ${range.exclusiveMin ? 'more than' : 'at least'} ${range.min}`;
  if (range.max !== undefined && (range.exclusiveMax ? value >= range.max : value > range.max))
    return `must be ${range.exclusiveMax ? 'less than' : 'at most'} ${range.max}`;
  return null;
}

/**
 * The range of every field of a config schema, read from the schema itself (through its JSON Schema),
 * so the wizard's number inputs never restate the limits the validation enforces.
 */
export function fieldRanges<S extends z.ZodObject>(schema: S): Record<keyof z.input<S> & string, FieldRange> {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, JsonNumber> };
  return Object.fromEntries(Object.entries(json.properties ?? {}).map(([key, field]) => [key, rangeOf(field)])) as Record<
    keyof z.input<S> & string,
    FieldRange
  >;
}
