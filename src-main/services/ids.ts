import { randomBytes } from 'node:crypto';

/** A short unique id with a readable prefix, e.g. run-3f9a1c2b. */
export function newId(prefix: 'run' | 'study' | 'base' | 'data' | 'model'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
