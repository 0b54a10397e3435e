import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../src-shared/api';
import { expandStudy, studyConfigSchema, type StudyConfig } from '../../src-shared/config';
import { taskOf } from '../../src-shared/tasks/lookup';
import type { DigitsTask } from '../../src-shared/tasks/task';
import { buildDigitsStudyData } from '../engine/data/digits-study-data';
import type { Dataset } from '../engine/data/dataset';
import { forkLauncher } from '../services/fork-launcher';
import { VERSION } from '../version';
import { createWorkbench } from '../workbench';
import { npyBytes } from './npy';
import { formatStudyReport, methodKey, secondsPerEpoch, speedRatio, type StudyBenchReport, type StudyBenchRow } from './study-report';
import { findTorchPython, runTorchStudy } from './study-torch';

/** The reference protocol of issue 17 point 5, as a study file anyone can also `retainlab run`. */
export const STUDY_FILE = join(__dirname, '..', '..', 'resources', 'bench', 'study-bench.json');

/** RetainLab's Adam ε (TF.js form, on the bias-corrected √v̂; docs/methods.md §3.1); PyTorch's default is 1e-8 on the same. */
const RETAINLAB_ADAM_EPSILON = 1e-7;
const PYTORCH_ADAM_EPSILON = 1e-8;

/** The reference study, or for `quick` the same study shrunk to a minute's check (three methods, one epoch, less data). */
export function benchStudy(quick: boolean): StudyConfig {
  const raw = JSON.parse(readFileSync(STUDY_FILE, 'utf8'));
  const study = studyConfigSchema.parse(raw);
  if (!quick) return study;
  return studyConfigSchema.parse({
    ...raw,
    name: `${study.name} (quick)`,
    baseModel: { ...raw.baseModel, pretrain: { ...raw.baseModel.pretrain, epochs: 1 } },
    data: { ...raw.data, useFraction: 0.15 },
    methods: [{ id: 'vanilla' }, { id: 'rehearsal' }, { id: 'lora', params: { rank: 4 } }],
    budget: { ...raw.budget, epochs: 1 },
  });
}

const SPLITS = ['pretrainTrain', 'pretrainEval', 'targetTrain', 'targetEval'] as const;
const SNAKE: Record<(typeof SPLITS)[number], string> = {
  pretrainTrain: 'pretrain_train',
  pretrainEval: 'pretrain_eval',
  targetTrain: 'target_train',
  targetEval: 'target_eval',
};

/** Writes the study's four digit splits, exactly as the engine builds them, as x_/y_<split>.npy for the PyTorch script; their sizes. */
export function writeStudySplits(study: StudyConfig, dir: string): Record<(typeof SPLITS)[number], number> {
  const data = expandStudy(study).bases[0].baseModel.data;
  if (data.source !== 'mnist-digits') throw new Error('the study benchmark runs on the built-in digits');
  const splits = buildDigitsStudyData(data, taskOf(study.target.task) as DigitsTask);
  mkdirSync(dir, { recursive: true });
  const sizes = {} as Record<(typeof SPLITS)[number], number>;
  for (const split of SPLITS) {
    const d: Dataset = splits[split];
    const features = d.shape.reduce((a, b) => a * b, 1);
    writeFileSync(join(dir, `x_${SNAKE[split]}.npy`), npyBytes(d.x, [d.n, features]));
    writeFileSync(join(dir, `y_${SNAKE[split]}.npy`), npyBytes(d.y, [d.n]));
    sizes[split] = d.n;
  }
  return sizes;
}

const seconds = (from: string | null, to: string | null) => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : null);

/** Trains the study in a fresh store with `engines` engine processes, through the same host and engine as `retainlab run`. */
async function retainlabRow(study: StudyConfig, engines: number, log: (line: string) => void): Promise<StudyBenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'retainlab-study-bench-'));
  const loadBefore = loadavg();
  const wb = createWorkbench({ dataDir: dir, launcher: forkLauncher(), mode: 'browser', version: VERSION, host: { parallel: engines } });
  const setting = `${engines} engine${engines === 1 ? '' : 's'}`;
  try {
    const started = performance.now();
    const launch = await wb.api.launchStudy(study);
    await wb.host.untilEnded(launch.runIds);
    const totalSeconds = (performance.now() - started) / 1000;
    const runs: RunSummary[] = await Promise.all(launch.runIds.map((id) => wb.api.getRun(id)));
    const pretrain = runs.find((r) => r.id === launch.pretrainRunId);
    const finetunes = runs.filter((r) => r.kind === 'finetune');
    const failed = runs.filter((r) => r.status !== 'completed');
    if (!pretrain) throw new Error('the study reused a stored base model: the benchmark needs a fresh store');
    const lastEnd =
      finetunes
        .map((r) => r.endedAt ?? '')
        .sort()
        .at(-1) ?? null;
    const finetuneSeconds = seconds(pretrain.endedAt, lastEnd);
    const epochs = study.budget.epochs as number;
    const accuracy = Object.fromEntries(
      finetunes.flatMap((r) =>
        r.headline && r.config?.kind === 'finetune'
          ? [[methodKey(r.config.method), { aPre: r.headline.aPre, aTgt: r.headline.aTgt, seconds: seconds(r.startedAt, r.endedAt) }]]
          : [],
      ),
    );
    log(`RetainLab ${setting}: fine-tuning ${finetuneSeconds?.toFixed(1)} s, study ${totalSeconds.toFixed(1)} s`);
    return {
      side: 'RetainLab',
      setting,
      finetuneSeconds,
      secondsPerEpoch: secondsPerEpoch(finetuneSeconds, finetunes.length, epochs),
      totalSeconds,
      pretrainSeconds: seconds(pretrain.startedAt, pretrain.endedAt),
      loadBefore,
      loadAfter: loadavg(),
      accuracy,
      note: `wasm engines, one process each; times from the store's run start/end stamps${failed.length ? `; ${failed.length} run(s) did not complete: ${failed.map((r) => `${r.methodLabel}: ${r.error}`).join('; ')}` : ''}`,
    };
  } finally {
    wb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the PyTorch script on the same splits with `threads` threads; a row without numbers (and why) when it cannot. */
function torchRow(python: string | { why: string }, dataDir: string, study: StudyConfig, threads: number, log: (line: string) => void): StudyBenchRow {
  const setting = `${threads} thread${threads === 1 ? '' : 's'}`;
  const loadBefore = loadavg();
  const empty = { side: 'PyTorch' as const, setting, finetuneSeconds: null, secondsPerEpoch: null, totalSeconds: null, pretrainSeconds: null, accuracy: {} };
  if (typeof python !== 'string') return { ...empty, loadBefore, loadAfter: loadavg(), note: python.why };
  const b = study.budget;
  const flags = [
    ...['--pretrain-epochs', study.baseModel.pretrain.epochs, '--epochs', b.epochs, '--batch', b.batchSize, '--lr', b.learningRate],
    ...['--evals-per-epoch', b.evalsPerEpoch, '--seed', b.seeds[0], '--methods', study.methods.map((m) => methodKey(m)).join(',')],
  ].map(String);
  try {
    const { result, wallSeconds } = runTorchStudy(python, dataDir, threads, flags);
    log(`PyTorch ${setting}: fine-tuning ${result.finetuneSeconds.toFixed(1)} s, script ${wallSeconds.toFixed(1)} s`);
    return {
      side: 'PyTorch',
      setting,
      finetuneSeconds: result.finetuneSeconds,
      secondsPerEpoch: secondsPerEpoch(result.finetuneSeconds, result.runs.length, b.epochs as number),
      totalSeconds: wallSeconds,
      pretrainSeconds: result.pretrain.seconds,
      loadBefore,
      loadAfter: loadavg(),
      accuracy: Object.fromEntries(result.runs.map((r) => [r.method, { aPre: r.aPre, aTgt: r.aTgt, seconds: r.seconds }])),
      note: `${python}: torch ${result.torch}, ${result.threads} thread(s), BLAS ${result.blas}; nn.Linear init, torch.optim.Adam ε ${result.adamEpsilon}`,
    };
  } catch (err) {
    return { ...empty, loadBefore, loadAfter: loadavg(), note: (err as Error).message };
  }
}

/**
 * `retainlab bench --study`: one seed of the reference study in RetainLab with 1 engine and with one per core (each in a
 * fresh store, so each pretrains), and as a plain PyTorch script at 1 thread and at every core, on the same splits.
 */
export async function runStudyBench(quick: boolean, log: (line: string) => void): Promise<StudyBenchReport> {
  const study = benchStudy(quick);
  const cores = cpus().length;
  const loadBefore = loadavg();
  const dataDir = mkdtempSync(join(tmpdir(), 'retainlab-study-splits-'));
  try {
    const sizes = writeStudySplits(study, dataDir);
    log(`splits: ${SPLITS.map((s) => `${s} ${sizes[s]}`).join(', ')}`);
    const rows: StudyBenchRow[] = [];
    for (const engines of [...new Set([1, cores])]) rows.push(await retainlabRow(study, engines, log));
    const python = findTorchPython();
    const pythonPath = 'python' in python ? python.python : python;
    for (const threads of [...new Set([1, cores])]) rows.push(torchRow(pythonPath, dataDir, study, threads, log));
    const ours = rows.filter((r) => r.side === 'RetainLab').at(-1)!;
    return {
      createdAt: new Date().toISOString(),
      machine: { cpus: cores, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform, loadBefore, loadAfter: loadavg() },
      protocol: {
        study: study.name,
        sizes,
        pretrainEpochs: study.baseModel.pretrain.epochs,
        epochs: study.budget.epochs as number,
        batchSize: study.budget.batchSize as number,
        runs: expandStudy(study).runs.length,
        methods: study.methods.map((m) => methodKey(m)),
        init: study.baseModel.init ?? 'glorot',
        adamEpsilon: { retainlab: RETAINLAB_ADAM_EPSILON, pytorch: PYTORCH_ADAM_EPSILON },
      },
      rows,
      ratios: rows
        .filter((r) => r.side === 'PyTorch')
        .map((r) => ({ pytorch: `PyTorch ${r.setting}`, retainlab: `RetainLab ${ours.setting}`, ratio: speedRatio(r, ours) })),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs the study benchmark, writes its JSON report to `out` and prints its tables. */
export async function studyBench(quick: boolean, out: string): Promise<number> {
  const report = await runStudyBench(quick, (line) => process.stderr.write(`${line}\n`));
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${formatStudyReport(report)}\n\nJSON report: ${out}\n`);
  return 0;
}
