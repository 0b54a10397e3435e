import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BackendName } from '../../src-shared/config';

/** The backend chain, best first. */
export const BACKEND_CHAIN: BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

const PACKAGE: Record<BackendName, string> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** The npm package that provides a backend. */
export function backendPackage(name: BackendName): string {
  return PACKAGE[name];
}

/** Whether a native tfjs package has its compiled binding (its install script downloads libtensorflow and builds it). */
function hasNativeBinding(packageDir: string): boolean {
  const lib = join(packageDir, 'lib');
  return existsSync(lib) && readdirSync(lib, { recursive: true }).some((f) => String(f).endsWith('tfjs_binding.node'));
}

/** Whether a backend's package is installed, and if not, why (without loading it). */
export function backendInstalled(name: BackendName): { available: boolean; why: string } {
  try {
    const manifest = createRequire(__filename).resolve(`${PACKAGE[name]}/package.json`);
    if (name.startsWith('tfjs-node') && !hasNativeBinding(dirname(manifest))) {
      return {
        available: false,
        why: `${PACKAGE[name]} is installed without its native library (its install step downloads libtensorflow, which needs internet access)`,
      };
    }
    return { available: true, why: `${PACKAGE[name]} is installed` };
  } catch {
    const hint = name.startsWith('tfjs-node') ? ' (an optional dependency: its install downloads libtensorflow, which needs internet access)' : '';
    return { available: false, why: `${PACKAGE[name]} is not installed${hint}` };
  }
}
