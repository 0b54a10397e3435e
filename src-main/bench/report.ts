import type { ComparisonRow } from './comparison-row';
import type { HfImportMemory } from './hf-import-probe';
import type { TransformerRow } from './hf-rows';
import type { MethodRatios } from './method-ratios';
import type { SgemmCeiling } from './sgemm-ceiling';
import type { TargetResult } from './targets';
import type { TorchInfo } from './torch-workload';

/** Issue 17's measuring rule, stated in the report so a reader of the JSON alone knows how its numbers were made. */
export const MEASURING_RULE =
  'Every side of a row runs the same warm-up steps, then `rounds` timed segments round-robin with the ' +
  "row's other sides (methods: each right after a vanilla segment). Segments take about the same time on every side: the slowest side " +
  'runs `stepsPerSegment` steps, a faster side as many more as one timed slice says fit. A round runs in `slices` mirrored passes of a slice of every ' +
  'segment (sides forward, then backward), so slow phases of the machine fall on every side alike. A rate is the median with ' +
  'min–max over the segments; a ratio is the median of the per-round ratios with their min–max. A target is met only if it holds at the worse end of that spread.';

/** The machine the numbers came from: a shared machine's load and steal, PyTorch's BLAS and the sgemm ceiling. */
export interface BenchMachine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** os.loadavg() (1, 5, 15 minutes) before the first and after the last measurement. */
  loadBefore: number[];
  loadAfter: number[];
  /** CPU time the hypervisor took during the bench, from /proc/stat. */
  steal: { share: number | null; note?: string };
  pytorch: TorchInfo | { unavailable: string };
  sgemm: SgemmCeiling;
}

/** The whole JSON report of `npm run bench`. */
export interface BenchReport {
  createdAt: string;
  size: 'full' | 'quick';
  rule: string;
  machine: BenchMachine;
  /** MLP, CNN, LoRA and evaluation rows: the engine (wasm) interleaved with tfjs-layers and PyTorch; the cpu backend alone. */
  rows: ComparisonRow[];
  /** Every method's step time relative to vanilla (timed next to it), or why none was measured. */
  methods: MethodRatios | { note: string };
  eventLoopDelayP99Ms: number | null;
  memory: { rows: number; peakRssMB: number; note?: string } | null;
  /** Transformer training steps (issue 15), timed round-robin against PyTorch at 1 thread and at all cores. */
  transformers: TransformerRow[];
  /** Peak memory of importing a bert-base-sized Hugging Face checkpoint. */
  hfImport: HfImportMemory;
  targets: TargetResult[];
}

const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
const spread = (s: { median: number; min: number; max: number }, digits = 0) => `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
const percent = (share: number | null) => (share === null ? '-' : `${(100 * share).toFixed(1)}%`);

/** A plain-text table of the report for the terminal. */
export function formatReport(r: BenchReport): string {
  const m = r.machine;
  const torch = 'unavailable' in m.pytorch ? `PyTorch unavailable: ${m.pytorch.unavailable}` : `PyTorch ${m.pytorch.version}, ${m.pytorch.blas}`;
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  const sg = m.sgemm;
  const ceiling = (f: SgemmCeiling['oneCore']) => (f ? `${fmt(f.best)} best, ${fmt(f.median)} median GFLOP/s (${f.library})` : 'not measured');
  const lines = [
    `RetainLab bench (${r.size}), ${m.cpus} × ${m.cpuModel}, Node ${m.node}`,
    `load average before ${load(m.loadBefore)}, after ${load(m.loadAfter)}; steal ${m.steal.share === null ? (m.steal.note ?? '-') : `${(100 * m.steal.share).toFixed(1)}%`}`,
    torch,
    `sgemm ceiling (${sg.n}², ${sg.blas}): 1 core ${ceiling(sg.oneCore)}; ${sg.cores} cores ${ceiling(sg.allCores)}${sg.note ? ` — ${sg.note}` : ''}`,
    '',
    r.rule,
    '',
  ];
  for (const row of r.rows) {
    lines.push(
      `${row.workload}: ${row.warmup} warm-up, ${row.rounds} rounds × ${row.stepsPerSegment} steps in ${row.slices} slices, load ${row.loadBefore.toFixed(1)} → ${row.loadAfter.toFixed(1)}`,
    );
    lines.push(`    ${'side'.padEnd(30)} ${'samples/s median (min–max)'.padEnd(28)} ${'GFLOP/s'.padStart(8)}  of ceiling  steps/segment`);
    for (const s of row.sides) {
      const v = s.samplesPerSecond;
      const figures = v
        ? `${spread(v).padEnd(28)} ${fmt(s.gflops?.median, 2).padStart(8)}  ${percent(s.ceilingShare).padEnd(10)}  ${s.stepsPerSegment ?? ''}`
        : '';
      lines.push(`    ${s.label.padEnd(30)} ${v ? figures : (s.note ?? '')}`);
    }
    for (const q of row.ratios) lines.push(`    ${q.name}: ${spread(q, 2)}×`);
  }
  lines.push('', 'method step time relative to vanilla (each segment right after a vanilla segment): median (min–max) of per-round ratios');
  if ('note' in r.methods) lines.push(`  ${r.methods.note}`);
  else {
    for (const x of r.methods.methods) {
      const sps = x.samplesPerSecond ? `${spread(x.samplesPerSecond)} samples/s` : '';
      lines.push(`  ${x.method.padEnd(14)} ${sps.padEnd(34)} ${x.stepTimeToVanilla ? `×${spread(x.stepTimeToVanilla, 2)} time` : (x.note ?? '')}`);
    }
    if (r.methods.mixcdToRehearsal) {
      const pairing = `the two interleaved, ${r.methods.rounds} rounds × ${r.methods.pairStepsPerSegment} steps in ${r.methods.slices} slices`;
      lines.push(`  mix-cd / rehearsal step time (${pairing}): ×${spread(r.methods.mixcdToRehearsal, 2)}`);
    }
  }
  lines.push('', `host event-loop delay p99 while training: ${fmt(r.eventLoopDelayP99Ms, 1)} ms`);
  if (r.memory) lines.push(`peak RSS training on ${r.memory.rows} rows of 784 floats: ${fmt(r.memory.peakRssMB)} MB ${r.memory.note ?? ''}`);
  lines.push(
    '',
    'transformer training steps, tokens/s median (min–max) of interleaved segments, GFLOP/s, share of the ceiling; ratio: median (min–max) of per-round ratios',
  );
  for (const t of r.transformers) {
    lines.push(
      `  ${t.workload}: batch ${t.batch}×${t.sequence}, ${t.warmup} warm-up, ${t.rounds} rounds × ${t.stepsPerSegment} steps in ${t.slices} slices, load ${t.loadBefore.toFixed(1)} → ${t.loadAfter.toFixed(1)}`,
    );
    for (const s of t.sides) {
      const v = s.tokensPerSecond;
      const threads = `${s.threads ?? '?'} thread(s)`;
      const measured = v ? `${spread(v).padEnd(22)} ${fmt(s.gflops?.median, 2).padStart(8)}  ${percent(s.ceilingShare)}` : (s.note ?? '');
      lines.push(`    ${s.implementation.padEnd(26)} ${threads.padEnd(12)} ${measured}`);
    }
    for (const q of t.ratios) lines.push(`    ${q.name}: ${spread(q, 2)}×`);
  }
  const h = r.hfImport;
  lines.push(`importing ${h.model}, ${fmt(h.safetensorsMB)} MB of safetensors: peak RSS ${fmt(h.peakRssMB)} MB (${h.how}) ${h.note ?? ''}`);
  lines.push('', 'targets: met only if they hold at the worse end of the spread');
  for (const t of r.targets) lines.push(`  [${t.met === null ? '?' : t.met ? 'met' : 'NOT met'}] ${t.name}: ${t.measured}`);
  return lines.join('\n');
}
