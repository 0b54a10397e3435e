import type { RunProgress } from '../../src-shared/api';
import { expandStudy, studyConfigSchema, type BackendName } from '../../src-shared/config';
import { selectBackend } from '../engine/backend';
import { runFinetune } from '../engine/jobs/finetune';
import { runPretrain } from '../engine/jobs/pretrain';
import { METHODS } from '../engine/methods/registry';
import type { Checkpoint } from '../engine/models/checkpoint';

/** Training throughput of every registered method with its defaults, through the real fine-tuning job, relative to vanilla. */
export async function methodStepRatios(backend: BackendName, useFraction: number, epochs: number) {
  await selectBackend(backend);
  const study = studyConfigSchema.parse({ data: { useFraction }, baseModel: { pretrain: { epochs: 1 } }, methods: [{ id: 'vanilla' }], budget: { epochs, evalsPerEpoch: 1 }, backend });
  const { baseModel, runs } = expandStudy(study);
  let base: Checkpoint | null = null;
  await runPretrain({ type: 'pretrain', runId: 'bench', spec: baseModel, task: 'rotate90', backend }, (e) => {
    if (e.type === 'checkpoint') base = e.checkpoint;
  });
  const speeds: { method: string; samplesPerSecond: number }[] = [];
  for (const method of METHODS) {
    let last: RunProgress | null = null;
    let failure: string | null = null;
    await runFinetune({ type: 'finetune', runId: method.id, config: { ...runs[0], method: { id: method.id, params: {}, with: [] } }, base: base! }, (e) => {
      if (e.type === 'progress') last = e.progress;
      if (e.type === 'error') failure = e.message;
    });
    if (failure) throw new Error(`bench of method ${method.id} failed: ${failure}`);
    speeds.push({ method: method.id, samplesPerSecond: (last as RunProgress | null)?.samplesPerSecond ?? 0 });
  }
  const vanilla = speeds.find((s) => s.method === 'vanilla')!.samplesPerSecond;
  return speeds.map((s) => ({ ...s, ratioToVanilla: s.samplesPerSecond / vanilla }));
}
