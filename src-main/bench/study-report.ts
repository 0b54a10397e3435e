/** Final accuracies of one fine-tuning run, as a sanity check that a side ran the protocol, and the run's own wall seconds. */
export interface StudyAccuracy {
  aPre: number;
  aTgt: number;
  /** RetainLab: the run's start to end stamps (engine start, data, θ₀'s evaluation and storing included); PyTorch: the run's function. */
  seconds: number | null;
}

/** One timed side of the whole-study benchmark: RetainLab with some engines, or the PyTorch script with some threads. */
export interface StudyBenchRow {
  side: 'RetainLab' | 'PyTorch';
  /** '1 engine', '2 engines', '1 thread', '2 threads'. */
  setting: string;
  /** Wall seconds of the fine-tuning phase (every run, from the end of pretraining to the last run's end); null when it did not run. */
  finetuneSeconds: number | null;
  /** finetuneSeconds / (runs × fine-tuning epochs): the statistic every side is compared on. */
  secondsPerEpoch: number | null;
  /** Wall seconds of the whole study (RetainLab: launch to last run's end; PyTorch: the script's process, start to exit). */
  totalSeconds: number | null;
  pretrainSeconds: number | null;
  /** os.loadavg() (1, 5, 15 min) just before and just after this side ran. */
  loadBefore: number[];
  loadAfter: number[];
  /** Final A_pre / A_tgt per method key (vanilla, wiseft, …, lora-16). */
  accuracy: Record<string, StudyAccuracy>;
  /** Why there are no numbers, or what this side is (python, torch version, BLAS). */
  note?: string;
}

/** The JSON report of `retainlab bench --study`. */
export interface StudyBenchReport {
  createdAt: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string; loadBefore: number[]; loadAfter: number[] };
  protocol: {
    study: string;
    sizes: { pretrainTrain: number; pretrainEval: number; targetTrain: number; targetEval: number };
    pretrainEpochs: number;
    epochs: number;
    batchSize: number;
    runs: number;
    methods: string[];
    init: string;
    adamEpsilon: { retainlab: number; pytorch: number };
  };
  rows: StudyBenchRow[];
  /** PyTorch's seconds per fine-tuning epoch over RetainLab's with N engines (> 1: RetainLab is faster); null without both. */
  ratios: { pytorch: string; retainlab: string; ratio: number | null }[];
}

/** Seconds per fine-tuning epoch: the phase's wall time over every run's epochs; null without a time or with no epochs. */
export function secondsPerEpoch(finetuneSeconds: number | null, runs: number, epochs: number): number | null {
  if (finetuneSeconds === null || !Number.isFinite(finetuneSeconds) || runs <= 0 || epochs <= 0) return null;
  return finetuneSeconds / (runs * epochs);
}

/** The key both sides name a method by: its id, or `lora-<rank>` for LoRA (the study runs four ranks). */
export function methodKey(method: { id: string; params?: Record<string, unknown> }): string {
  return method.id === 'lora' ? `lora-${String(method.params?.rank ?? 8)}` : method.id;
}

/** How much slower the PyTorch row is per fine-tuning epoch than the RetainLab row (> 1: RetainLab is faster). */
export function speedRatio(pytorch: StudyBenchRow, retainlab: StudyBenchRow): number | null {
  const [p, r] = [pytorch.secondsPerEpoch, retainlab.secondsPerEpoch];
  return p !== null && r !== null && r > 0 ? p / r : null;
}

const fixed = (v: number | null, digits: number) => (v === null ? 'n/a' : v.toFixed(digits));
const COLUMN = 26;
const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');

/** The report as readable tables: time per side, the ratios, then each method's accuracy on each side. */
export function formatStudyReport(r: StudyBenchReport): string {
  const p = r.protocol;
  const lines = [
    `Whole-study benchmark: ${p.study}`,
    `digits: pretrain ${p.sizes.pretrainTrain} train / ${p.sizes.pretrainEval} eval, target (rotated) ${p.sizes.targetTrain} train / ${p.sizes.targetEval} eval; ` +
      `pretrain ${p.pretrainEpochs} epochs; ${p.runs} fine-tuning runs × ${p.epochs} epochs at batch ${p.batchSize}; init ${p.init}; ` +
      `Adam ε ${p.adamEpsilon.retainlab} (RetainLab) vs ${p.adamEpsilon.pytorch} (PyTorch), both on the bias-corrected √v̂`,
    `machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), Node ${r.machine.node}; load average ${load(r.machine.loadBefore)} before, ${load(r.machine.loadAfter)} after`,
    '',
    `${'side'.padEnd(22)}${'s / ft epoch'.padStart(13)}${'fine-tuning s'.padStart(15)}${'pretrain s'.padStart(12)}${'study s'.padStart(10)}   load before → after`,
    ...r.rows.map(
      (row) =>
        `${`${row.side} ${row.setting}`.padEnd(22)}${fixed(row.secondsPerEpoch, 3).padStart(13)}${fixed(row.finetuneSeconds, 1).padStart(15)}` +
        `${fixed(row.pretrainSeconds, 1).padStart(12)}${fixed(row.totalSeconds, 1).padStart(10)}   ${load(row.loadBefore)} → ${load(row.loadAfter)}` +
        (row.note ? `\n${''.padEnd(24)}${row.note}` : ''),
    ),
    '',
    ...r.ratios.map((x) => `${x.pytorch} / ${x.retainlab} per fine-tuning epoch: ${x.ratio === null ? 'n/a' : `${x.ratio.toFixed(2)}×`}`),
    '',
    `${'method'.padEnd(12)}${r.rows.map((row) => `${row.side} ${row.setting}`.padStart(COLUMN)).join('')}`,
    `${''.padEnd(12)}${r.rows.map(() => 'A_pre / A_tgt    run s'.padStart(COLUMN)).join('')}`,
    ...p.methods.map(
      (m) =>
        `${m.padEnd(12)}${r.rows
          .map((row) => {
            const a = row.accuracy[m];
            return (a ? `${a.aPre.toFixed(3)} / ${a.aTgt.toFixed(3)}${fixed(a.seconds, 1).padStart(9)}` : 'n/a').padStart(COLUMN);
          })
          .join('')}`,
    ),
  ];
  return lines.join('\n');
}
