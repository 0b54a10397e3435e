import type { HfImportMemory } from './hf-import-probe';
import type { TransformerRow } from './hf-rows';

/** One measured implementation of a workload. */
export interface BenchResult {
  workload: string;
  implementation: string;
  backend: string;
  samplesPerSecond: number | null;
  gflops: number | null;
  /** Why there is no number (the implementation failed or is unavailable). */
  note?: string;
}

/** The whole JSON report of `npm run bench`. */
export interface BenchReport {
  createdAt: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  results: BenchResult[];
  /** Step time of each method divided by vanilla's, same workload, same run. */
  methodStepRatios: { method: string; samplesPerSecond: number; ratioToVanilla: number }[];
  eventLoopDelayP99Ms: number | null;
  memory: { rows: number; peakRssMB: number; note?: string } | null;
  /** Transformer training steps (issue 15), timed round-robin against PyTorch at 1 and 2 threads. */
  transformers: TransformerRow[];
  /** Peak memory of importing a bert-base-sized Hugging Face checkpoint. */
  hfImport: HfImportMemory;
  targets: { name: string; measured: string; met: boolean | null }[];
}

/** A plain-text table of the results for the terminal. */
export function formatReport(r: BenchReport): string {
  const fmt = (v: number | null, digits = 0) => (v === null ? '-' : v.toFixed(digits));
  const lines = [`RetainLab bench, ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}`, ''];
  lines.push('workload                     implementation           backend     samples/s   GFLOP/s  note');
  for (const x of r.results) {
    lines.push(
      `${x.workload.padEnd(28)} ${x.implementation.padEnd(24)} ${x.backend.padEnd(10)} ${fmt(x.samplesPerSecond).padStart(10)} ${fmt(x.gflops, 2).padStart(9)}  ${x.note ?? ''}`,
    );
  }
  lines.push('', 'method step time relative to vanilla (same workload):');
  for (const m of r.methodStepRatios)
    lines.push(`  ${m.method.padEnd(16)} ${fmt(m.samplesPerSecond).padStart(8)} samples/s  ×${(1 / m.ratioToVanilla).toFixed(2)} time`);
  lines.push('', `host event-loop delay p99 while training: ${fmt(r.eventLoopDelayP99Ms, 1)} ms`);
  if (r.memory) lines.push(`peak RSS training on ${r.memory.rows} rows of 784 floats: ${fmt(r.memory.peakRssMB)} MB ${r.memory.note ?? ''}`);
  lines.push('', 'transformer training steps, tokens/s: median (min–max) of interleaved segments; ratio: median (min–max) of per-round ratios');
  for (const t of r.transformers) {
    lines.push(
      `  ${t.workload}: batch ${t.batch}×${t.sequence}, ${t.warmup} warm-up, ${t.rounds} rounds × ${t.stepsPerSegment} steps, load ${t.loadBefore.toFixed(1)} → ${t.loadAfter.toFixed(1)}`,
    );
    for (const s of t.sides) {
      const v = s.tokensPerSecond;
      const threads = `${s.threads ?? '?'} thread(s)`;
      lines.push(
        `    ${s.implementation.padEnd(26)} ${threads.padEnd(12)} ${v ? `${fmt(v.median).padStart(8)} (${fmt(v.min)}–${fmt(v.max)})  ${s.note ?? ''}` : (s.note ?? '')}`,
      );
    }
    for (const q of t.ratios) lines.push(`    ${q.name}: ${q.median.toFixed(2)}× (${q.min.toFixed(2)}–${q.max.toFixed(2)})`);
  }
  const h = r.hfImport;
  lines.push(`importing ${h.model}, ${fmt(h.safetensorsMB)} MB of safetensors: peak RSS ${fmt(h.peakRssMB)} MB (${h.how}) ${h.note ?? ''}`);
  lines.push('', 'targets:');
  for (const t of r.targets) lines.push(`  [${t.met === null ? '?' : t.met ? 'met' : 'NOT met'}] ${t.name}: ${t.measured}`);
  return lines.join('\n');
}
