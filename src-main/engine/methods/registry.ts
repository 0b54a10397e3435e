import type { MethodInfo } from '../../../src-shared/api';
import { paramsSchema, type ParamValues } from '../../../src-shared/params';
import { parseOrThrow, ValidationError } from '../../../src-shared/validation';
import type { MethodDefinition } from './method';
import { vanilla } from './vanilla';
import { wiseft } from './wiseft';

/** Every method the workbench offers; adding a method file here enrols it everywhere (wizard, CLI, contract test). */
export const METHODS: MethodDefinition[] = [vanilla, wiseft];

/** Looks a method up by id, or throws an error listing the known ids. */
export function getMethod(id: string): MethodDefinition {
  const method = METHODS.find((m) => m.id === id);
  if (!method) throw new ValidationError(`Unknown method '${id}'. Known methods: ${METHODS.map((m) => m.id).join(', ')}`, [`method: unknown id '${id}'`]);
  return method;
}

/** Validates a method's parameters against its schema (defaults filled in); `where` prefixes field names in errors. */
export function parseMethodParams(id: string, params: unknown, where: string): ParamValues {
  return parseOrThrow(paramsSchema(getMethod(id).params), params ?? {}, `parameters of method '${id}'`, where);
}

/** The metadata of every method, for the wizard and `retainlab methods`. */
export function methodCatalog(): MethodInfo[] {
  return METHODS.map(({ id, label, summary, reference, params }) => ({ id, label, summary, reference, params }));
}
