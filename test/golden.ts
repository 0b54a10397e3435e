import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the golden vectors live in the repository: byte-identical copies of ../shared/golden (test/shared-copies.test.ts checks that). */
export const GOLDEN_DIR = join(__dirname, 'fixtures', 'golden');

/** Reads a golden file from test/fixtures/golden. */
export function readGolden<T>(name: string): T {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, name), 'utf8')) as T;
}
