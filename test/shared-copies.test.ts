import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR } from './golden';

const ROOT = join(__dirname, '..');
/** The shared folder beside the checkout, where the specification and golden vectors come from (absent in a plain clone). */
const SHARED = join(ROOT, '..', 'shared');
const hasShared = existsSync(SHARED);

/** Every file under `dir`, as paths relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

// The repository carries its own copies so that a clone runs its tests and cites files it has. The golden
// vectors must not drift from the reference implementations' originals; docs/methods.md began as a copy of
// ../shared/methods.md and is the project's own document from then on (it grows with the project).
describe('copies of ../shared kept in the repository', () => {
  it('docs/methods.md and test/fixtures/golden exist in the repository itself', () => {
    expect(existsSync(join(ROOT, 'docs', 'methods.md'))).toBe(true);
    expect(filesUnder(GOLDEN_DIR)).toEqual(expect.arrayContaining(['README.md', 'recadam.json', 'wiseft.json']));
  });

  it.skipIf(!hasShared)(
    `test/fixtures/golden holds exactly the files of ../shared/golden, byte for byte${hasShared ? '' : ' (skipped: no ../shared beside the checkout)'}`,
    () => {
      const shared = join(SHARED, 'golden');
      expect(filesUnder(GOLDEN_DIR)).toEqual(filesUnder(shared));
      const differing = filesUnder(shared).filter((file) => !readFileSync(join(GOLDEN_DIR, file)).equals(readFileSync(join(shared, file))));
      expect(differing).toEqual([]);
    },
  );
});
