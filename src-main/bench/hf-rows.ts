import { cpus, loadavg } from 'node:os';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { BERT_TINY, GPT2_SMALL, type HubConfig } from './hf-bench-models';
import { engineHfSession, sequenceOf } from './hf-workload';
import { gflopsOf, type RowCounts } from './comparison-row';
import { interleaved, ratioOf, summarise, type RateSummary, type RatioSummary, type TimedSide } from './interleave';
import { ceilingShare, NO_CEILING, type CeilingFigures } from './sgemm-ceiling';
import { startTorchSession, type TorchSession } from './torch-session';

/** One implementation's tokens/s on a transformer row, or why it has none. */
export interface TransformerSide {
  implementation: string;
  threads: number | null;
  tokensPerSecond: RateSummary | null;
  /** GFLOP/s by the same nominal count for every side: median with min–max. */
  gflops: RatioSummary | null;
  /** Median GFLOP/s over the sgemm ceiling of its own thread count (one core or all cores). */
  ceilingShare: number | null;
  note?: string;
}

/** A transformer training row of the bench: every side timed by issue 17's interleaved rule. */
export interface TransformerRow {
  workload: string;
  /** The Hub config the model was built from (random weights). */
  config: HubConfig;
  batch: number;
  sequence: number;
  warmup: number;
  rounds: number;
  stepsPerSegment: number;
  slices: number;
  /** Nominal training FLOPs per token (src-main/bench/flops.ts), null when the row did not run. */
  flopsPerToken: number | null;
  /** 1-minute load average before and after the row (the machine is shared). */
  loadBefore: number;
  loadAfter: number;
  sides: TransformerSide[];
  /** Engine tokens/s over each PyTorch side's: median of per-round ratios, min–max. */
  ratios: ({ name: string } & RatioSummary)[];
}

/** How much each transformer row does: `quick` is the smoke size (fewer rounds and steps). */
export const TRANSFORMER_COUNTS = {
  full: { warmup: 2, rounds: 5, steps: 2, slices: 2 },
  quick: { warmup: 1, rounds: 5, steps: 1, slices: 1 },
};

const ROWS: { workload: string; config: HubConfig; batch: number }[] = [
  { workload: 'BERT-tiny step (2×128, 2 heads, seq 128, 2-class head on the pooler)', config: BERT_TINY, batch: 8 },
  { workload: 'GPT-2 small step (4×256, 4 heads, ctx 128, tied head, vocab 8,192)', config: GPT2_SMALL, batch: 4 },
];

/** The PyTorch script's arguments for a config (its sizes under the script's names). */
function torchArgs(config: HubConfig, batch: number, threads: number, warmup: number): Record<string, unknown> {
  const bert = config.model_type === 'bert';
  const n = (bertField: string, gptField: string) => config[bert ? bertField : gptField] as number;
  return {
    family: config.model_type,
    vocab: config.vocab_size,
    seq: sequenceOf(config),
    hidden: n('hidden_size', 'n_embd'),
    heads: n('num_attention_heads', 'n_head'),
    layers: n('num_hidden_layers', 'n_layer'),
    intermediate: bert ? config.intermediate_size : 4 * (config.n_embd as number),
    classes: 2,
    batch,
    threads,
    warmup,
  };
}

/** One transformer row: the engine on wasm against PyTorch at 1 thread and at all cores, interleaved round-robin. */
export async function transformerRow(
  row: { workload: string; config: HubConfig; batch: number },
  counts: RowCounts,
  log: (line: string) => void = () => {},
  ceiling: CeilingFigures = NO_CEILING,
): Promise<TransformerRow> {
  const loadBefore = loadavg()[0];
  const sequence = sequenceOf(row.config);
  const engine = await engineHfSession(row.config, row.batch, 'wasm');
  engine.run(counts.warmup);
  const sides: TimedSide[] = [{ name: 'RetainLab engine (wasm)', run: (n) => engine.run(n) }];
  const unmeasured = { tokensPerSecond: null, gflops: null, ceilingShare: null };
  const result: TransformerSide[] = [{ implementation: 'RetainLab engine (wasm)', threads: getThreadsCount(), ...unmeasured }];
  const torches: TorchSession[] = [];
  for (const threads of new Set([1, cpus().length])) {
    const implementation = `PyTorch, ${threads} thread${threads > 1 ? 's' : ''}`;
    try {
      const t = await startTorchSession(torchArgs(row.config, row.batch, threads, counts.warmup));
      torches.push(t);
      sides.push({ name: implementation, run: (n) => t.run(n) });
      result.push({ implementation, threads: t.threads, ...unmeasured, note: t.why });
    } catch (err) {
      result.push({ implementation, threads, ...unmeasured, note: `fails: ${(err as Error).message.split('\n')[0]}` });
    }
  }
  try {
    const rates = await interleaved(sides, counts.rounds, counts.steps, row.batch * sequence, counts.slices);
    const flopsPerToken = engine.flopsPerSequence / sequence;
    sides.forEach((s, i) => {
      const side = result.find((r) => r.implementation === s.name)!;
      side.tokensPerSecond = summarise(rates[i]);
      side.gflops = gflopsOf(side.tokensPerSecond, flopsPerToken);
      side.ceilingShare = ceilingShare(side.gflops.median, side.threads, ceiling);
    });
    const ratios = sides.slice(1).map((s, i) => ({ name: `engine / ${s.name}`, ...ratioOf(rates[0], rates[i + 1]) }));
    for (const r of result) log(`${row.workload} · ${r.implementation}: ${r.tokensPerSecond ? `${r.tokensPerSecond.median.toFixed(0)} tokens/s` : r.note}`);
    return {
      ...row,
      sequence,
      warmup: counts.warmup,
      rounds: counts.rounds,
      stepsPerSegment: counts.steps,
      slices: counts.slices,
      flopsPerToken,
      loadBefore,
      loadAfter: loadavg()[0],
      sides: result,
      ratios,
    };
  } finally {
    engine.dispose();
    torches.forEach((t) => t.close());
  }
}

/** Both transformer rows of issue 15 (BERT-tiny- and GPT-2-shaped training steps). */
export async function transformerRows(counts: RowCounts, log: (line: string) => void, ceiling: CeilingFigures = NO_CEILING): Promise<TransformerRow[]> {
  const out: TransformerRow[] = [];
  for (const row of ROWS) {
    try {
      out.push(await transformerRow(row, counts, log, ceiling));
    } catch (err) {
      // One row that cannot run (e.g. PyTorch dies mid-way) is reported as such; the bench goes on.
      const note = `fails: ${(err as Error).message.split('\n')[0]}`;
      log(`${row.workload}: ${note}`);
      const load = loadavg()[0];
      const sizes = {
        sequence: sequenceOf(row.config),
        warmup: counts.warmup,
        rounds: counts.rounds,
        stepsPerSegment: counts.steps,
        slices: counts.slices,
        flopsPerToken: null,
      };
      out.push({
        ...row,
        ...sizes,
        loadBefore: load,
        loadAfter: load,
        sides: [{ implementation: 'all', threads: null, tokensPerSecond: null, gflops: null, ceilingShare: null, note }],
        ratios: [],
      });
    }
  }
  return out;
}
