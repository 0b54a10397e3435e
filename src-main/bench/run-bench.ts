import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { cpus } from 'node:os';
import type { BackendName } from '../../src-shared/config';
import { selectBackend } from '../engine/backend';
import { METHODS } from '../engine/methods/registry';
import { comparisonRow, failedRow, type ComparisonRow, type SideSession, type SideSpec } from './comparison-row';
import { benchSpec, engineEvalSession, engineTrainSession } from './engine-workload';
import { eventLoopDelayWhileTraining } from './event-loop';
import { nominalFlops } from './flops';
import { BERT_BASE, BERT_TINY } from './hf-bench-models';
import { measureHfImportPeak } from './hf-import-probe';
import { TRANSFORMER_COUNTS, transformerRows } from './hf-rows';
import { summarise } from './interleave';
import { layersFitSession } from './layers-workload';
import { snapshot, stealBetween } from './machine';
import { measurePeakMemory } from './memory-probe';
import { methodStepRatios, type MethodRatios } from './method-ratios';
import { MEASURING_RULE, type BenchReport } from './report';
import { measureSgemmCeiling, type SgemmCeiling } from './sgemm-ceiling';
import { atLeast, atMost, single, type Spread, type TargetResult } from './targets';
import { torchSideSpec } from './torch-session';
import { torchAvailable } from './torch-workload';

/** How much work each measurement does: 'full' for the report, 'quick' for the smoke test (same rule, tiny segments). */
export type BenchSize = 'full' | 'quick';

const COUNTS = {
  full: {
    rounds: 7,
    warmup: 5,
    // Training on wasm reaches its steady speed only after a few seconds (V8 compiles the hot wasm and
    // JavaScript with its optimising tiers meanwhile; the MLP at batch 64: 10.3 → 6.2 ms a step over
    // its first 240 steps): fewer warm-up steps put that start into the first rounds, which then decide
    // the spread's worse end. Every side of a row warms up as long.
    trainWarmup: 300,
    // Segments of about a second: shorter ones catch this shared machine's sub-second stalls on one side
    // of a round and not the other (CNN rounds of 40 steps, 0.5 s: per-round ratios 1.26–1.80 around a median of 1.44).
    steps: { mlp: 80, cnn: 100, lora: 80, eval: 2 },
    // A round cut into mirrored slices (engine, tfjs-layers, PyTorch, then back): each side's steps span
    // the same stretch of the round, so the machine's slow phases fall on every side alike.
    slices: { train: 4, eval: 2 },
    evalRows: 10_000,
    cpuSteps: { mlp: 4, cnn: 2, lora: 4, eval: 1 },
    // Each method beside vanilla in segments of about 0.8 s: with 60 steps (0.3 s) one slow phase put a round of
    // RecAdam, which adds nothing to a step (median 1.02), at 1.15× vanilla.
    ratioSteps: 160,
    // mix-cd against rehearsal: segments of about 1.5 s (≈6 ms a step), so that the noise stays well inside the 5% target.
    pairSteps: 240,
    loopFraction: 0.3,
    memoryRows: 60_000,
    memorySteps: 50,
    sgemm: { n: 2048, repeats: 7, seconds: 20 },
  },
  quick: {
    rounds: 5,
    warmup: 1,
    trainWarmup: 1,
    steps: { mlp: 2, cnn: 1, lora: 2, eval: 1 },
    slices: { train: 1, eval: 1 },
    // A smaller pass keeps the smoke run short; the target is still judged on 10,000 samples at the measured rate.
    evalRows: 2_000,
    cpuSteps: { mlp: 1, cnn: 1, lora: 1, eval: 1 },
    ratioSteps: 1,
    pairSteps: 1,
    loopFraction: 0.05,
    memoryRows: 2_000,
    memorySteps: 2,
    sgemm: { n: 1024, repeats: 3, seconds: 5 },
  },
};

/** Runs every workload in one process by issue 17's measuring rule and returns the report. */
export async function runBench(size: BenchSize, logLine: (line: string) => void): Promise<BenchReport> {
  const started = performance.now();
  // Seconds since the start on every line: which part of a long run the time went to.
  const log = (line: string) => logLine(`[${Math.round((performance.now() - started) / 1000)} s] ${line}`);
  const c = COUNTS[size];
  const before = snapshot();
  const cores = cpus().length;
  const torchThreads = [...new Set([1, cores])];
  const torch = torchAvailable();
  log(torch.available ? `PyTorch: ${torch.why}` : `PyTorch unavailable: ${torch.why}`);
  log(`sgemm ceiling (${c.sgemm.n}² float32 matmuls, 1 thread and ${cores})…`);
  const sgemm: SgemmCeiling = measureSgemmCeiling({ ...c.sgemm, cores });
  await selectBackend('wasm');
  const wasmThreads = getThreadsCount();
  const engine = (backend: BackendName, start: () => Promise<SideSession>): SideSpec => ({
    label: `RetainLab engine (${backend})`,
    implementation: 'RetainLab engine',
    backend,
    threads: backend === 'wasm' ? wasmThreads : 1,
    start,
  });
  const rows: ComparisonRow[] = [];
  const row = async (workload: string, specs: SideSpec[], steps: number, flops: number, samplesPerStep: number, warmup = c.warmup, slices = c.slices.train) => {
    const counts = { warmup, rounds: c.rounds, steps, slices };
    try {
      rows.push(await comparisonRow(workload, specs, counts, flops, samplesPerStep, sgemm, log));
    } catch (err) {
      log(`${workload}: fails: ${(err as Error).message.split('\n')[0]}`);
      rows.push(failedRow(workload, specs, counts, flops, err));
    }
  };

  for (const recipe of ['mlp', 'cnn'] as const) {
    const batch = recipe === 'mlp' ? 128 : 64;
    const name = `${recipe} train (batch ${batch})`;
    const flops = nominalFlops(benchSpec(recipe), true);
    const ours = (backend: BackendName, steps: number, warmup: number) => () =>
      engineTrainSession({ recipe, batchSize: batch, warmup, totalSteps: warmup + c.rounds * steps, backend });
    const layers: SideSpec = {
      label: 'tfjs-layers model.fit (wasm)',
      implementation: 'tfjs-layers model.fit',
      backend: 'wasm',
      threads: wasmThreads,
      start: () => layersFitSession({ recipe, batchSize: batch, warmup: c.trainWarmup, maxSteps: c.steps[recipe], backend: 'wasm' }),
    };
    const torchSides = torchThreads.map((t) => torchSideSpec({ workload: recipe, batch, warmup: c.trainWarmup }, t));
    await row(name, [engine('wasm', ours('wasm', c.steps[recipe], c.trainWarmup)), layers, ...torchSides], c.steps[recipe], flops, batch, c.trainWarmup);
    await row(name, [engine('cpu', ours('cpu', c.cpuSteps[recipe], c.warmup))], c.cpuSteps[recipe], flops, batch, c.warmup, 1);
  }
  const loraName = 'LoRA r=8 on the MLP (batch 128)';
  const mlpFlops = nominalFlops(benchSpec('mlp'), true);
  const lora = (backend: BackendName, steps: number, warmup: number) => async () => {
    if (!METHODS.some((m) => m.id === 'lora')) throw new Error('the lora method is not in the registry');
    return engineTrainSession({
      recipe: 'mlp',
      batchSize: 128,
      warmup,
      totalSteps: warmup + c.rounds * steps,
      backend,
      method: { id: 'lora', params: { rank: 8 }, with: [] },
    });
  };
  const loraTorch = torchThreads.map((t) => torchSideSpec({ workload: 'lora', rank: 8, batch: 128, warmup: c.trainWarmup }, t));
  await row(loraName, [engine('wasm', lora('wasm', c.steps.lora, c.trainWarmup)), ...loraTorch], c.steps.lora, mlpFlops, 128, c.trainWarmup);
  await row(loraName, [engine('cpu', lora('cpu', c.cpuSteps.lora, c.warmup))], c.cpuSteps.lora, mlpFlops, 128, c.warmup, 1);
  const evalRows = c.evalRows;
  const evalName = `evaluate ${evalRows.toLocaleString('en')} pretrain samples (MLP)`;
  const evalFlops = nominalFlops(benchSpec('mlp'), false);
  const evalTorch = torchThreads.map((t) => torchSideSpec({ workload: 'eval', rows: evalRows, warmup: c.warmup }, t));
  await row(
    evalName,
    [engine('wasm', () => engineEvalSession('wasm', c.warmup, evalRows)), ...evalTorch],
    c.steps.eval,
    evalFlops,
    evalRows,
    c.warmup,
    c.slices.eval,
  );
  await row(evalName, [engine('cpu', () => engineEvalSession('cpu', c.warmup, evalRows))], c.cpuSteps.eval, evalFlops, evalRows, c.warmup, 1);

  log('method step ratios (each method right after a vanilla segment)…');
  let methods: MethodRatios | { note: string };
  try {
    methods = await methodStepRatios('wasm', { warmup: c.trainWarmup, rounds: c.rounds, steps: c.ratioSteps, slices: c.slices.train }, c.pairSteps);
  } catch (err) {
    methods = { note: `fails: ${(err as Error).message.split('\n')[0]}` };
  }
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
  const transformers = await transformerRows(TRANSFORMER_COUNTS[size], log, sgemm);
  // The smoke size imports a BERT-tiny-sized folder: the probe's path, not bert-base's 440 MB.
  log('importing a bert-base-sized checkpoint…');
  let hfImport: BenchReport['hfImport'];
  try {
    hfImport = measureHfImportPeak(size === 'full' ? BERT_BASE : BERT_TINY);
  } catch (err) {
    hfImport = { model: 'bert-base', safetensorsMB: NaN, peakRssMB: NaN, how: 'not measured', note: (err as Error).message };
  }
  const after = snapshot();
  return {
    createdAt: new Date().toISOString(),
    size,
    rule: MEASURING_RULE,
    machine: {
      cpus: cores,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: process.platform,
      loadBefore: before.loadavg,
      loadAfter: after.loadavg,
      steal: stealBetween(before.ticks, after.ticks),
      pytorch: torch.info ?? { unavailable: torch.why },
      sgemm,
    },
    rows,
    methods,
    eventLoopDelayP99Ms: eventLoop,
    memory,
    transformers,
    hfImport,
    targets: [
      ...evaluateTargets(rows, methods, eventLoop, memory),
      atMost(
        `importing ${hfImport.model}: peak RSS < 1.5 GB`,
        Number.isNaN(hfImport.peakRssMB) ? (hfImport.note ?? 'not measured') : single(hfImport.peakRssMB),
        1536,
        ' MB',
      ),
    ],
  };
}

/** Checks the targets at the worse end of each spread; a string (why) where a number is missing. */
function evaluateTargets(rows: ComparisonRow[], methods: MethodRatios | { note: string }, eventLoop: number, memory: BenchReport['memory']): TargetResult[] {
  const wasmRow = (prefix: string) => rows.find((r) => r.workload.startsWith(prefix) && r.sides[0].backend === 'wasm');
  const ratio = (prefix: string, over: string): Spread | string => {
    const r = wasmRow(prefix);
    const found = r?.ratios.find((q) => q.over === over);
    if (found) return found;
    return r?.sides[0].note ?? r?.sides.find((s) => s.label === over)?.note ?? 'not measured';
  };
  const time = (id: string): Spread | string => {
    if ('note' in methods) return methods.note;
    const m = methods.methods.find((x) => x.method === id);
    return m?.stepTimeToVanilla ?? m?.note ?? `${id} is not a registered method`;
  };
  const evalSide = wasmRow('evaluate')?.sides[0];
  const evalSeconds = evalSide?.samplesPerSecond
    ? summarise(evalSide.samplesPerSecond.perRound.map((rate) => 10_000 / rate))
    : (evalSide?.note ?? 'not measured');
  const mixcd = 'note' in methods ? methods.note : (methods.mixcdToRehearsal ?? 'mix-cd or rehearsal did not run');
  return [
    atLeast('MLP step on wasm ≥ 4× tfjs-layers model.fit on wasm', ratio('mlp', 'tfjs-layers model.fit (wasm)'), 4),
    atLeast('MLP step on wasm ≥ 2× PyTorch (1 thread)', ratio('mlp', 'PyTorch, 1 thread'), 2),
    atLeast('CNN training on wasm ≥ 0.5× PyTorch (1 thread)', ratio('cnn', 'PyTorch, 1 thread'), 0.5),
    atLeast('CNN training on wasm ≥ 1.3× PyTorch (1 thread)', ratio('cnn', 'PyTorch, 1 thread'), 1.3),
    ...['recadam', 'l2-sp', 'ewc'].map((id) => atMost(`${id} step time ≤ 1.15× vanilla`, time(id), 1.15)),
    atMost('mix-cd step time ≤ 1.05× random rehearsal', mixcd, 1.05),
    atMost('LoRA step time ≤ 1.0× vanilla', time('lora'), 1.0),
    atMost('evaluating 10,000 pretrain samples (MLP, wasm)', evalSeconds, 0.5, ' s'),
    atMost('host event-loop delay p99 while training', single(eventLoop), 50, ' ms'),
    atMost(
      `peak RSS training on ${memory?.rows ?? 0} rows`,
      memory && !Number.isNaN(memory.peakRssMB) ? single(memory.peakRssMB) : (memory?.note ?? 'not measured'),
      1536,
      ' MB',
    ),
  ];
}
