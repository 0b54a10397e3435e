import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'rolldown';
import { afterAll, beforeAll } from 'vitest';
import { tempDataDir } from './helpers';

const ROOT = join(__dirname, '..', '..');

/** What a child `datasets import` did: its exit code, output and peak resident memory. */
export interface ChildImport {
  status: number | null;
  stdout: string;
  stderr: string;
  peakRssMiB: number;
}

/**
 * Runs `retainlab datasets import` in a child process without `npm run build`: the command's
 * sources are bundled here (rolldown, a fraction of a second; packages stay external and load from
 * node_modules), so the child's memory is the import's own, measured by the child (maxRSS). Call
 * once per test file; it returns the runner.
 */
export function childImports(): (args: string[], env?: Record<string, string>) => ChildImport {
  const out = tempDataDir();
  const bundle = join(out.dir, 'import-child.cjs');
  beforeAll(async () => {
    await build({
      input: join(__dirname, 'import-child-entry.ts'),
      platform: 'node',
      external: [/^[^./]/],
      logLevel: 'silent',
      output: { file: bundle, format: 'cjs' },
    });
  });
  afterAll(out.remove);
  return (args, env = {}) => {
    const child = spawnSync(process.execPath, [bundle, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...env },
    });
    const kb = Number(/MAXRSS_KB=(\d+)/.exec(child.stderr)?.[1]);
    return { status: child.status, stdout: child.stdout, stderr: child.stderr.replace(/MAXRSS_KB=\d+\n/, ''), peakRssMiB: Math.round(kb / 1024) };
  };
}
