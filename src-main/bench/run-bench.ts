import { cpus } from 'node:os';
import type { BackendName } from '../../src-shared/config';
import { METHODS } from '../engine/methods/registry';
import { benchSpec, engineEvalThroughput, engineTrainThroughput } from './engine-workload';
import { eventLoopDelayWhileTraining } from './event-loop';
import { nominalFlops } from './flops';
import { BERT_BASE, BERT_TINY } from './hf-bench-models';
import { measureHfImportPeak } from './hf-import-probe';
import { TRANSFORMER_COUNTS, transformerRows } from './hf-rows';
import { layersFitThroughput } from './layers-workload';
import { measurePeakMemory } from './memory-probe';
import { methodStepRatios } from './method-ratios';
import type { BenchReport, BenchResult } from './report';
import { torchAvailable, torchThroughput } from './torch-workload';

/** How much work each measurement does: 'full' for the report, 'quick' for the smoke test. */
export type BenchSize = 'full' | 'quick';

const COUNTS = {
  full: { mlpSteps: 210, cnnSteps: 60, cpuFactor: 0.2, warmup: 5, evalRepeats: 5, ratioSteps: 150, loopFraction: 0.3, memoryRows: 60_000, memorySteps: 50 },
  quick: { mlpSteps: 3, cnnSteps: 3, cpuFactor: 1, warmup: 1, evalRepeats: 1, ratioSteps: 3, loopFraction: 0.05, memoryRows: 2_000, memorySteps: 2 },
};

async function measure(
  workload: string,
  implementation: string,
  backend: string,
  flopsPerSample: number,
  f: () => Promise<number> | number,
): Promise<BenchResult> {
  try {
    const sps = await f();
    return { workload, implementation, backend, samplesPerSecond: sps, gflops: (sps * flopsPerSample) / 1e9 };
  } catch (err) {
    return { workload, implementation, backend, samplesPerSecond: null, gflops: null, note: `fails: ${(err as Error).message.split('\n')[0]}` };
  }
}

/** Runs every workload of issue 4 in one process (ratios come from one run) and returns the report. */
export async function runBench(size: BenchSize, log: (line: string) => void): Promise<BenchReport> {
  const c = COUNTS[size];
  const torch = torchAvailable();
  const results: BenchResult[] = [];
  const add = async (r: Promise<BenchResult>) => {
    const done = await r;
    if (done.implementation === 'PyTorch' && done.samplesPerSecond !== null) done.note = torch.why;
    results.push(done);
    log(`${done.workload} · ${done.implementation} · ${done.backend}: ${done.samplesPerSecond?.toFixed(0) ?? done.note}`);
  };
  const torchOr = (args: Record<string, unknown>) => () => {
    if (!torch.available) throw new Error(torch.why);
    return torchThroughput(args).samplesPerSecond;
  };
  const hasLora = METHODS.some((m) => m.id === 'lora');
  const lora = { id: 'lora', params: { rank: 8 }, with: [] };

  for (const recipe of ['mlp', 'cnn'] as const) {
    const batch = recipe === 'mlp' ? 128 : 64;
    const steps = recipe === 'mlp' ? c.mlpSteps : c.cnnSteps;
    const name = `${recipe} train (batch ${batch})`;
    const flops = nominalFlops(benchSpec(recipe), true);
    const ours = (backend: BackendName, n: number) => () => engineTrainThroughput({ recipe, batchSize: batch, steps: n, warmup: c.warmup, backend });
    await add(measure(name, 'RetainLab engine', 'wasm', flops, ours('wasm', steps)));
    await add(measure(name, 'tfjs-layers model.fit', 'wasm', flops, () => layersFitThroughput({ recipe, batchSize: batch, steps, backend: 'wasm' })));
    await add(measure(name, 'RetainLab engine', 'cpu', flops, ours('cpu', Math.max(2, Math.round(steps * c.cpuFactor)))));
    await add(measure(name, 'PyTorch', 'python3', flops, torchOr({ workload: recipe, batch, steps, warmup: c.warmup })));
  }
  const loraName = 'LoRA r=8 on the MLP (batch 128)';
  const mlpFlops = nominalFlops(benchSpec('mlp'), true);
  for (const backend of ['wasm', 'cpu'] as const) {
    const steps = backend === 'wasm' ? c.mlpSteps : Math.max(2, Math.round(c.mlpSteps * c.cpuFactor));
    await add(
      measure(loraName, 'RetainLab engine', backend, mlpFlops, () => {
        if (!hasLora) throw new Error('the lora method is not in the registry yet');
        return engineTrainThroughput({ recipe: 'mlp', batchSize: 128, steps, warmup: c.warmup, backend, method: lora });
      }),
    );
  }
  await add(measure(loraName, 'PyTorch', 'python3', mlpFlops, torchOr({ workload: 'lora', rank: 8, batch: 128, steps: c.mlpSteps, warmup: c.warmup })));
  const evalName = 'evaluate 10,000 pretrain samples (MLP)';
  const evalFlops = nominalFlops(benchSpec('mlp'), false);
  for (const backend of ['wasm', 'cpu'] as const)
    await add(measure(evalName, 'RetainLab engine', backend, evalFlops, () => engineEvalThroughput(backend, c.evalRepeats)));
  await add(measure(evalName, 'PyTorch', 'python3', evalFlops, torchOr({ workload: 'eval', rows: 10_000, repeats: c.evalRepeats })));

  log('method step ratios…');
  const methodRatios = await methodStepRatios('wasm', c.ratioSteps, c.warmup);
  log('event-loop delay while training…');
  const eventLoop = await eventLoopDelayWhileTraining(c.loopFraction);
  log('peak memory on a large set…');
  let memory: BenchReport['memory'];
  try {
    memory = measurePeakMemory(c.memoryRows, c.memorySteps);
  } catch (err) {
    memory = { rows: c.memoryRows, peakRssMB: NaN, note: (err as Error).message };
  }
  log('transformer steps (engine and PyTorch interleaved)…');
  const transformers = await transformerRows(TRANSFORMER_COUNTS[size], log);
  // The smoke size imports a BERT-tiny-sized folder: the probe's path, not bert-base's 440 MB.
  log('importing a bert-base-sized checkpoint…');
  let hfImport: BenchReport['hfImport'];
  try {
    hfImport = measureHfImportPeak(size === 'full' ? BERT_BASE : BERT_TINY);
  } catch (err) {
    hfImport = { model: 'bert-base', safetensorsMB: NaN, peakRssMB: NaN, how: 'not measured', note: (err as Error).message };
  }
  return {
    createdAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform },
    results,
    methodStepRatios: methodRatios,
    eventLoopDelayP99Ms: eventLoop,
    memory,
    transformers,
    hfImport,
    targets: [
      ...evaluateTargets(results, methodRatios, eventLoop, memory),
      {
        name: `importing ${hfImport.model}: peak RSS < 1.5 GB`,
        measured: `${hfImport.peakRssMB.toFixed(0)} MB`,
        met: Number.isNaN(hfImport.peakRssMB) ? null : hfImport.peakRssMB < 1536,
      },
    ],
  };
}

/** Checks the targets against the measurements; null where a number is missing. */
function evaluateTargets(
  results: BenchResult[],
  ratios: BenchReport['methodStepRatios'],
  eventLoop: number,
  memory: BenchReport['memory'],
): BenchReport['targets'] {
  const sps = (workload: string, impl: string, backend: string) =>
    results.find((r) => r.workload.startsWith(workload) && r.implementation === impl && r.backend === backend)?.samplesPerSecond ?? null;
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
  const atLeast = (name: string, value: number | null, min: number) => ({
    name,
    measured: value === null ? 'n/a' : `${value.toFixed(2)}×`,
    met: value === null ? null : value >= min,
  });
  const time = (id: string) => {
    const r = ratios.find((m) => m.method === id);
    return r ? 1 / r.ratioToVanilla : null;
  };
  const atMost = (name: string, value: number | null, max: number, unit = '×') => ({
    name,
    measured: value === null ? 'n/a' : `${value.toFixed(2)}${unit}`,
    met: value === null ? null : value <= max,
  });
  const evalWasm = sps('evaluate', 'RetainLab engine', 'wasm');
  const mixcd = time('mixcd'),
    rehearsal = time('rehearsal');
  return [
    atLeast(
      'MLP step on wasm ≥ 4× tfjs-layers model.fit on wasm',
      ratio(sps('mlp', 'RetainLab engine', 'wasm'), sps('mlp', 'tfjs-layers model.fit', 'wasm')),
      4,
    ),
    atLeast('MLP step on wasm ≥ 2× PyTorch', ratio(sps('mlp', 'RetainLab engine', 'wasm'), sps('mlp', 'PyTorch', 'python3')), 2),
    atLeast('CNN training on wasm ≥ 0.5× PyTorch', ratio(sps('cnn', 'RetainLab engine', 'wasm'), sps('cnn', 'PyTorch', 'python3')), 0.5),
    ...['recadam', 'l2-sp', 'ewc'].map((id) => atMost(`${id} step time ≤ 1.15× vanilla`, time(id), 1.15)),
    atMost('mix-cd step time ≤ 1.05× random rehearsal', mixcd !== null && rehearsal !== null ? mixcd / rehearsal : null, 1.05),
    atMost('LoRA step time ≤ 1.0× vanilla', time('lora'), 1.0),
    atMost('evaluating 10,000 pretrain samples (MLP, wasm)', evalWasm === null ? null : 10_000 / evalWasm, 0.5, ' s'),
    atMost('host event-loop delay p99 while training', eventLoop, 50, ' ms'),
    atMost(`peak RSS training on ${memory?.rows ?? 0} rows`, memory ? memory.peakRssMB : null, 1536, ' MB'),
  ];
}
