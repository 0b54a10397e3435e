import { z } from 'zod';

/** One method parameter, declared once: the renderer builds its form field and the host its validator from it. */
export type ParamSpec =
  | { key: string; label: string; help: string; type: 'number'; default: number; min: number; max: number; log?: boolean }
  | { key: string; label: string; help: string; type: 'integer'; default: number; min: number; max: number }
  | { key: string; label: string; help: string; type: 'boolean'; default: boolean }
  | { key: string; label: string; help: string; type: 'enum'; default: string; options: string[] }
  | { key: string; label: string; help: string; type: 'number-list'; default: number[]; min: number; max: number };

/** Parameter values of one method, keyed by ParamSpec.key. */
export type ParamValues = Record<string, number | boolean | string | number[]>;

function fieldSchema(spec: ParamSpec): z.ZodType {
  switch (spec.type) {
    case 'number':
      return z.number().min(spec.min).max(spec.max);
    case 'integer':
      return z.number().int().min(spec.min).max(spec.max);
    case 'boolean':
      return z.boolean();
    case 'enum':
      return z.enum(spec.options as [string, ...string[]]);
    case 'number-list':
      return z.array(z.number().min(spec.min).max(spec.max)).min(1).max(101);
  }
}

/** Builds the strict zod schema of a method's parameters; missing keys take their defaults. */
export function paramsSchema(specs: ParamSpec[]): z.ZodType<ParamValues> {
  const shape: Record<string, z.ZodType> = {};
  for (const spec of specs) shape[spec.key] = fieldSchema(spec).default(spec.default as never);
  return z.strictObject(shape) as unknown as z.ZodType<ParamValues>;
}

/** The default values of a parameter list. */
export function defaultParams(specs: ParamSpec[]): ParamValues {
  return Object.fromEntries(specs.map((s) => [s.key, s.default]));
}
