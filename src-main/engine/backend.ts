import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../../src-shared/config';
import { BACKEND_CHAIN, backendInstalled, backendPackage } from './backend-availability';
import { registerColumnSum } from './wasm-column-sum';
import { registerSharingIdentity } from './wasm-identity';
import { registerViewingSlice } from './wasm-slice';
import { registerTiledTranspose } from './wasm-transpose';

// The wasm kernels this engine replaces are replaced once per process.
let wasmKernelsReplaced = false;

const TFJS_NAME: Record<BackendName, string> = { 'tfjs-node-gpu': 'tensorflow', 'tfjs-node': 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

async function tryBackend(name: BackendName): Promise<string | null> {
  const installed = backendInstalled(name);
  if (!installed.available) return installed.why;
  try {
    // The native packages register their 'tensorflow' backend on import.
    if (name.startsWith('tfjs-node')) createRequire(__filename)(backendPackage(name));
    if (!(await tf.setBackend(TFJS_NAME[name]))) return `${backendPackage(name)} failed to initialise`;
    await tf.ready();
    if (name === 'wasm' && !wasmKernelsReplaced) {
      registerSharingIdentity();
      registerViewingSlice();
      registerTiledTranspose();
      registerColumnSum();
      wasmKernelsReplaced = true;
    }
    return null;
  } catch (err) {
    return `${backendPackage(name)} failed to load: ${(err as Error).message.split('\n')[0]}`;
  }
}

/**
 * Selects the compute backend: the one asked for (an error saying why if it cannot run), or with
 * 'auto' the best of tfjs-node-gpu → tfjs-node → wasm → cpu that works on this machine.
 */
export async function selectBackend(preference: BackendName | 'auto'): Promise<{ name: BackendName; skipped: string[] }> {
  if (preference !== 'auto') {
    const why = await tryBackend(preference);
    if (why) throw new Error(`Backend '${preference}' is not available: ${why}. Choose 'auto' or another backend.`);
    return { name: preference, skipped: [] };
  }
  const skipped: string[] = [];
  for (const name of BACKEND_CHAIN) {
    const why = await tryBackend(name);
    if (!why) return { name, skipped };
    skipped.push(`${name}: ${why}`);
  }
  throw new Error(`No compute backend could start:\n${skipped.join('\n')}`);
}
