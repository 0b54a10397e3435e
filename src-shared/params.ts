import { rangeOf } from './field-ranges';

/** What a parameter field's `.meta()` declares besides its zod checks: the form's label and help, and a log scale hint. */
export interface ParamMeta {
  label?: string;
  help?: string;
  /** The useful values span decades (a penalty strength). */
  log?: boolean;
  /**
   * The parameter matters only while the named parameters of the same method have these values
   * (fisherSamples while weighting is 'fisher'): a stored run leaves it out otherwise, so labels and
   * seed groups never name a setting that did nothing. A list means any of its values.
   */
  appliesWhen?: Record<string, string | number | boolean | (string | number | boolean)[]>;
}

/** One value of a method parameter. */
export type ParamValue = number | boolean | string | number[];

/** Parameter values of one method, keyed by parameter name. */
export type ParamValues = Record<string, ParamValue>;

/** One parameter's JSON Schema as `z.toJSONSchema` writes a method schema's field (checks, default and meta). */
export interface ParamJsonSchema extends ParamMeta {
  type?: 'number' | 'integer' | 'boolean' | 'string' | 'array';
  default?: ParamValue;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: string[];
  items?: ParamJsonSchema;
  minItems?: number;
  maxItems?: number;
}

/** A method's parameters as JSON Schema (strict object, input side: every key optional, with its default): the catalog's and `retainlab methods --json`'s form. */
export interface ParamsJsonSchema {
  type: 'object';
  properties: Record<string, ParamJsonSchema>;
  additionalProperties: false;
}

/** One method parameter as the wizard's form shows it, read from the method's JSON Schema by paramSpecs. */
export type ParamSpec =
  | { key: string; label: string; help: string; type: 'number'; default: number; min: number; max: number; log?: boolean }
  | { key: string; label: string; help: string; type: 'integer'; default: number; min: number; max: number }
  | { key: string; label: string; help: string; type: 'boolean'; default: boolean }
  | { key: string; label: string; help: string; type: 'enum'; default: string; options: string[] }
  | { key: string; label: string; help: string; type: 'number-list'; default: number[]; min: number; max: number };

/** The form fields of a method's parameters, in declaration order: the one place the JSON Schema is read for the form. */
export function paramSpecs(schema: ParamsJsonSchema): ParamSpec[] {
  return Object.entries(schema.properties).map(([key, p]) => {
    const common = { key, label: p.label ?? key, help: p.help ?? '' };
    const range = { min: rangeOf(p).min ?? -Infinity, max: rangeOf(p).max ?? Infinity };
    if (p.type === 'boolean') return { ...common, type: 'boolean', default: p.default as boolean };
    if (p.enum) return { ...common, type: 'enum', default: p.default as string, options: p.enum };
    if (p.type === 'integer') return { ...common, type: 'integer', default: p.default as number, ...range };
    if (p.type === 'number') return { ...common, type: 'number', default: p.default as number, ...range, ...(p.log ? { log: true } : {}) };
    if (p.type === 'array' && p.items?.type === 'number') {
      return { ...common, type: 'number-list', default: p.default as number[], min: rangeOf(p).min ?? -Infinity, max: rangeOf(p).max ?? Infinity };
    }
    throw new Error(`Parameter '${key}' has a schema the form cannot show: ${JSON.stringify(p)}`);
  });
}

/** The default values of a method's parameters. */
export function defaultParams(schema: ParamsJsonSchema): ParamValues {
  return Object.fromEntries(Object.entries(schema.properties).map(([key, p]) => [key, p.default as ParamValue]));
}
