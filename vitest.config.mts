import { defineConfig } from 'vitest/config';

// Engine and store tests run in plain Node; tests that spawn the built engine need `electron-vite build` first (npm test does it).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
