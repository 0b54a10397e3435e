import type { BackendName } from '../../src-shared/config';
import { METHODS } from '../engine/methods/registry';
import { engineTrainThroughput } from './engine-workload';

/** Training throughput of every registered method with its defaults (the trainer's own step on the MLP, batch 64), and its step time relative to vanilla. */
export async function methodStepRatios(backend: BackendName, steps: number, warmup: number) {
  const speeds: { method: string; samplesPerSecond: number }[] = [];
  for (const method of METHODS) {
    const samplesPerSecond = await engineTrainThroughput({
      recipe: 'mlp',
      batchSize: 64,
      steps,
      warmup,
      backend,
      method: { id: method.id, params: {}, with: [] },
    });
    speeds.push({ method: method.id, samplesPerSecond });
  }
  const vanilla = speeds.find((s) => s.method === 'vanilla')!.samplesPerSecond;
  return speeds.map((s) => ({ ...s, ratioToVanilla: s.samplesPerSecond / vanilla }));
}
