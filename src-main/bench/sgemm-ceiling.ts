import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describeBlas } from './blas';
import { benchPythons } from './torch-workload';

/** The ceiling script, shipped in resources/. */
const SCRIPT = join(__dirname, '..', '..', 'resources', 'bench', 'sgemm_ceiling.py');

/** float32 matmul GFLOP/s of one library at one thread count: best-of and median of the repeats. */
export interface SgemmFigure {
  library: string;
  best: number;
  median: number;
  count: number;
}

/** The machine's matrix-multiply ceiling: the fastest library's sgemm on one core and on all cores. */
export interface SgemmCeiling {
  python: string | null;
  n: number;
  blas: string;
  cores: number;
  /** The fastest library at 1 thread and at `cores` threads (null where it could not be measured). */
  oneCore: SgemmFigure | null;
  allCores: SgemmFigure | null;
  /** Every library measured, per thread count. */
  measured: { threads: number; libraries: SgemmFigure[] }[];
  note?: string;
}

/** The two figures a side's share is taken against. */
export type CeilingFigures = Pick<SgemmCeiling, 'oneCore' | 'allCores'>;

/** No ceiling (not measured): every share is null. */
export const NO_CEILING: CeilingFigures = { oneCore: null, allCores: null };

/** The ceiling a side is held to: the one-core figure for a single-threaded side, the all-cores one otherwise (best-of GFLOP/s). */
export function ceilingFor(ceiling: CeilingFigures, threads: number | null): number | null {
  if (threads === null) return null;
  return (threads <= 1 ? ceiling.oneCore : ceiling.allCores)?.best ?? null;
}

/** A side's median GFLOP/s as a share of the ceiling of its own thread count; null when either is missing. */
export function ceilingShare(gflops: number | null, threads: number | null, ceiling: CeilingFigures): number | null {
  const limit = ceilingFor(ceiling, threads);
  return gflops === null || limit === null || limit <= 0 ? null : gflops / limit;
}

function fastest(libraries: SgemmFigure[]): SgemmFigure | null {
  return libraries.reduce<SgemmFigure | null>((a, b) => (a && a.best >= b.best ? a : b), null);
}

/**
 * Measures n×n float32 matmuls with numpy (and torch where the same python3 has it) in child
 * processes: once with every BLAS thread variable at 1, once at `cores`. The first python3 with numpy is used.
 */
export function measureSgemmCeiling(o: { n: number; repeats: number; seconds: number; cores: number }): SgemmCeiling {
  const failures: string[] = [];
  for (const python of benchPythons()) {
    const measured: SgemmCeiling['measured'] = [];
    let loaded: string[] = [];
    for (const threads of [...new Set([1, o.cores])]) {
      const n = String(threads);
      const env = { ...process.env, OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n };
      const run = spawnSync(python, [SCRIPT, JSON.stringify({ n: o.n, repeats: o.repeats, seconds: o.seconds, threads })], {
        encoding: 'utf8',
        timeout: 600_000,
        env,
      });
      if (run.status !== 0) {
        failures.push(`${python}: ${run.error?.message ?? run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}`}`);
        break;
      }
      const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { libraries: SgemmFigure[]; loadedBlas: string[] };
      measured.push({ threads, libraries: out.libraries });
      loaded = out.loadedBlas;
    }
    if (measured.length === 0) continue;
    const at = (threads: number) => fastest(measured.find((m) => m.threads === threads)?.libraries ?? []);
    const blas = describeBlas(null, loaded);
    return {
      python,
      n: o.n,
      blas: blas.text,
      cores: o.cores,
      oneCore: at(1),
      allCores: at(o.cores),
      measured,
      ...(blas.kind === 'generic' ? { note: 'measured with a generic reference BLAS: the hardware can do more than this ceiling says' } : {}),
    };
  }
  return { python: null, n: o.n, blas: 'none', cores: o.cores, oneCore: null, allCores: null, measured: [], note: `not measured: ${failures.join('; ')}` };
}
