import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The PyTorch peer script, shipped in resources/. */
const SCRIPT = join(__dirname, '..', '..', 'resources', 'bench', 'torch_bench.py');

// The python3 on PATH first, then the system one (Debian's python3-torch installs for it even when
// another python3, e.g. pyenv's, comes first on PATH).
const PYTHONS = ['python3', '/usr/bin/python3'];
let python: string | null | undefined;

/** Whether some python3 here can `import torch`; which one is used for the PyTorch workloads. */
export function torchAvailable(): { available: boolean; why: string } {
  for (const candidate of PYTHONS) {
    // Which BLAS the build links matters as much as the version: Debian's python3-torch uses the generic reference BLAS.
    const script =
      'import re, torch; m = re.search(r"BLAS_INFO=([^,]+)", torch.__config__.show()); print(torch.__version__, torch.get_num_threads(), m.group(1) if m else "?")';
    const probe = spawnSync(candidate, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) {
      python = candidate;
      const [version, threads, blas] = probe.stdout.trim().split(' ');
      return { available: true, why: `torch ${version}, ${threads} thread(s), BLAS ${blas} (${candidate})` };
    }
  }
  python = null;
  return { available: false, why: 'no python3 here can import torch (e.g. apt-get install python3-torch)' };
}

/** The python3 that can import torch (probed on first use), or null. */
export function torchPython(): string | null {
  if (python === undefined) torchAvailable();
  return python ?? null;
}

/** Runs one PyTorch workload in a python3 process; samples/s and the thread count it used. */
export function torchThroughput(args: Record<string, unknown>): { samplesPerSecond: number; threads: number } {
  if (python === undefined) torchAvailable();
  if (!python) throw new Error('PyTorch is not available');
  const run = spawnSync(python, [SCRIPT, JSON.stringify(args)], { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) throw new Error(`PyTorch bench failed: ${run.stderr.trim().split('\n').at(-1)}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}
