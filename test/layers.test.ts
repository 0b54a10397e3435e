import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as IConfiguration;

/** Runs the layer rules of .dependency-cruiser.cjs on the layer folders under `baseDir`; returns each violation as "rule: from → to". */
async function violations(baseDir: string, folders: string[]): Promise<string[]> {
  const { output } = await cruise(folders, { ...config.options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden } });
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

describe('layer rules (npm run lint:layers)', () => {
  it('the source tree breaks none of them', async () => {
    expect(await violations(ROOT, ['src-shared', 'src-main', 'src-preload', 'src-renderer'])).toEqual([]);
  });

  it('names each forbidden import of a fixture tree and passes its allowed ones', async () => {
    const found = await violations(join(ROOT, 'test', 'fixtures', 'layers'), ['src-shared', 'src-main', 'src-renderer']);
    expect(found).toEqual(
      [
        'db-not-engine-or-host: src-main/db/store.ts → src-main/engine/train.ts',
        'engine-no-store-or-electron-packages: src-main/engine/open-store.ts → ../../../node_modules/better-sqlite3/lib/index.js',
        'renderer-only-its-libraries: src-renderer/ipc.ts → ../../../node_modules/electron/index.js',
        'shared-imports-only-shared-and-zod: src-shared/tensor.ts → ../../../node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js',
        'engine-not-db-or-host: src-main/engine/train.ts → src-main/db/store.ts',
        'no-circular: src-renderer/format.ts → src-renderer/view.ts',
        'renderer-imports-only-renderer-shared-and-libraries: src-renderer/view.ts → src-main/db/store.ts',
        'shared-no-node-builtins: src-shared/metric.ts → fs',
      ].sort(),
    );
  });
});
