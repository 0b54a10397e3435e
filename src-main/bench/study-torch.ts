import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { torchAvailable } from './torch-workload';

/** The whole study as a plain PyTorch script, shipped in resources/. */
export const STUDY_SCRIPT = join(__dirname, '..', '..', 'resources', 'bench', 'torch_study.py');

/** A python that imports torch, with what decides its speed: torch's version, default threads and BLAS. */
export interface TorchPython {
  python: string;
  torch: string;
  defaultThreads: number;
  blas: string;
}

/** The python the bench's PyTorch sides use (torch-workload.ts: RETAINLAB_BENCH_PYTHON, else python3, else /usr/bin/python3), or why none can import torch. */
export function findTorchPython(): TorchPython | { why: string } {
  const torch = torchAvailable();
  if (!torch.info) return { why: torch.why };
  const { python, version, defaultThreads, blasInfo, blas } = torch.info;
  return { python, torch: version, defaultThreads, blas: blasInfo ?? blas };
}

/** What torch_study.py prints: its timings and each run's final accuracies. */
export interface TorchStudyResult {
  torch: string;
  threads: number;
  blas: string;
  adamEpsilon: number;
  sizes: Record<string, number>;
  pretrain: { seconds: number; aPre: number };
  finetuneSeconds: number;
  totalSeconds: number;
  runs: { method: string; seconds: number; aPre: number; aTgt: number; evaluations: number }[];
}

/** Runs torch_study.py on the splits in `dataDir` with `threads` threads (plus any extra flags, e.g. --smoke); its result and the process's wall seconds. */
export function runTorchStudy(python: string, dataDir: string, threads: number, extra: string[] = []): { result: TorchStudyResult; wallSeconds: number } {
  const started = performance.now();
  const run = spawnSync(python, [STUDY_SCRIPT, '--data', dataDir, '--threads', String(threads), ...extra], {
    encoding: 'utf8',
    timeout: 3_600_000,
    // torch reads these at import; set_num_threads then decides, but a stray OMP_NUM_THREADS must not cap the all-cores run.
    env: { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) },
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`torch_study.py failed: ${(run.stderr || String(run.error ?? '')).trim().split('\n').at(-1)}`);
  return { result: JSON.parse(run.stdout.trim().split('\n').at(-1)!) as TorchStudyResult, wallSeconds };
}
