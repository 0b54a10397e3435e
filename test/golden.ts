import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reads a golden file from ../shared/golden (beside the checkout, as in CI). */
export function readGolden<T>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'shared', 'golden', name), 'utf8')) as T;
}
