import { z } from 'zod';

/** What a number input needs to know of a numeric config field: its limits and whether it takes integers only. */
export interface FieldRange {
  min?: number;
  max?: number;
  step: 1 | 'any';
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
  return { min: f.minimum ?? f.exclusiveMinimum, max: f.maximum ?? f.exclusiveMaximum, step: f.type === 'integer' ? 1 : 'any' };
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
