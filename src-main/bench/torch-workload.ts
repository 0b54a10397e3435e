import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describeBlas, type BlasKind } from './blas';

/** The PyTorch peer script, shipped in resources/. */
const SCRIPT = join(__dirname, '..', '..', 'resources', 'bench', 'torch_bench.py');

/**
 * The python3 interpreters the bench tries, in order: RETAINLAB_BENCH_PYTHON alone when set, else the
 * python3 on PATH, then the system one (Debian's python3-torch installs for it even when another
 * python3, e.g. pyenv's, comes first on PATH).
 */
export function benchPythons(): string[] {
  const chosen = process.env.RETAINLAB_BENCH_PYTHON;
  return chosen ? [chosen] : ['python3', '/usr/bin/python3'];
}

/** What the PyTorch peer runs on: its version, default threads and BLAS (which decides its speed as much as threads do). */
export interface TorchInfo {
  version: string;
  defaultThreads: number;
  /** BLAS_INFO of torch.__config__.show() (Debian's python3-torch says generic). */
  blasInfo: string | null;
  /** The BLAS libraries the process had mapped after a matmul, links resolved. */
  loadedBlas: string[];
  blas: string;
  blasKind: BlasKind;
  mkl: boolean;
  mkldnn: boolean;
  openmp: boolean;
  python: string;
}

let probed: { pythons: string; python: string | null; result: { available: boolean; why: string; info?: TorchInfo } } | undefined;

/** Whether some python3 here can `import torch`, and what that torch is (probed once per list of interpreters; that python runs every PyTorch side). */
export function torchAvailable(): { available: boolean; why: string; info?: TorchInfo } {
  const pythons = benchPythons();
  if (probed?.pythons === pythons.join('\n')) return probed.result;
  const failures: string[] = [];
  const found = (python: string | null, result: { available: boolean; why: string; info?: TorchInfo }) => {
    probed = { pythons: pythons.join('\n'), python, result };
    return result;
  };
  for (const candidate of pythons) {
    const probe = spawnSync(candidate, [SCRIPT, JSON.stringify({ workload: 'info' })], { encoding: 'utf8', timeout: 120_000 });
    if (probe.status === 0) {
      type Raw = Omit<TorchInfo, 'defaultThreads' | 'blas' | 'blasKind'> & { threads: number };
      const { threads, ...raw } = JSON.parse(probe.stdout.trim().split('\n').at(-1)!) as Raw;
      const blas = describeBlas(raw.blasInfo, raw.loadedBlas);
      const info: TorchInfo = { ...raw, defaultThreads: threads, blas: blas.text, blasKind: blas.kind };
      return found(candidate, { available: true, why: `torch ${info.version}, ${blas.text} (${info.python})`, info });
    }
    failures.push(`${candidate}: ${probe.error?.message ?? probe.stderr.trim().split('\n').at(-1) ?? `exit ${probe.status}`}`);
  }
  return found(null, {
    available: false,
    why: `no python3 here can import torch (${failures.join('; ')}); apt-get install python3-torch, or pip install torch`,
  });
}

/** The python3 that can import torch (probed on first use), or null. */
export function torchPython(): string | null {
  torchAvailable();
  return probed?.python ?? null;
}
