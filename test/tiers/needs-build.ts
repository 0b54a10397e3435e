import { existsSync } from 'node:fs';
import { join } from 'node:path';

const BUILT = ['out/main/engine.js', 'out/main/cli.js', 'out/renderer/index.html'];

/** Global setup of the engine and e2e tiers: they run the built app, so a missing build fails once, saying what to run. */
export default function needsBuild(): void {
  const missing = BUILT.filter((file) => !existsSync(join(__dirname, '..', '..', file)));
  if (missing.length > 0)
    throw new Error(
      `These tests run the built app (${missing.join(', ')} missing): run \`npm run build\` first, or \`npm run test:unit\` for the tests that need no build.`,
    );
}
