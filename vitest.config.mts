import { defineConfig } from 'vitest/config';

// Test tiers (package.json scripts; CONTRIBUTING.md says when to run which):
//   unit    `npm run test:unit`: no build, no browser, no engine process (shared, renderer logic, engine in-process, store and import).
//   engine  `npm run test:engine`: forks the built engine (out/main/engine.js) or runs the built CLI (bin/retainlab.js): needs `npm run build`.
//   e2e     `npm run test:e2e`: browser mode in headless Chromium (/usr/bin/chromium, or CHROMIUM_PATH): needs `npm run build`.
// A new test that forks the engine, runs bin/retainlab.js or starts Chromium goes in ENGINE or E2E below.
const ENGINE = [
  'bench',
  'cli',
  'dataset-library',
  'library-study',
  'run-host',
  'shared-store',
  'text-study',
  'distributed',
  'fault-injection',
  'security-server',
  'search',
].map((name) => `test/main/${name}.test.ts`);
const E2E = ['test/e2e/**/*.test.ts', 'test/main/export-cli.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...ENGINE, ...E2E, 'test/fixtures/**'] } },
      { extends: true, test: { name: 'engine', include: ENGINE, globalSetup: ['test/tiers/needs-build.ts'] } },
      // A page updates after HTTP round trips; on a loaded 2-core CI machine that can take seconds, not expect.poll's 1 s default.
      { extends: true, test: { name: 'e2e', include: E2E, globalSetup: ['test/tiers/needs-build.ts'], expect: { poll: { timeout: 15_000 } } } },
    ],
  },
});
