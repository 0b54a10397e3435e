import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SideSession, SideSpec } from './comparison-row';
import { torchAvailable, torchPython } from './torch-workload';

/** The PyTorch peers in resources/bench: the transformer rows' and the MLP/CNN/LoRA/eval rows'; both speak the same protocol. */
export type TorchScript = 'torch_hf_bench.py' | 'torch_bench.py';

/** A PyTorch process that keeps its model between timed segments, so they can interleave with the engine's. */
export interface TorchSession {
  threads: number;
  /** torch's version, default threads and BLAS, and which python3 (the BLAS decides its speed as much as the threads). */
  why: string;
  run(steps: number): Promise<number>;
  close(): void;
}

/**
 * Starts a PyTorch peer script with `args` (it builds the model and runs its warm-up steps before it
 * says ready); each `run(n)` asks it for n timed steps and resolves to their seconds.
 */
export async function startTorchSession(args: Record<string, unknown>, script: TorchScript = 'torch_hf_bench.py', timeoutMs = 600_000): Promise<TorchSession> {
  const probe = torchAvailable();
  const python = torchPython();
  if (!probe.available || !python) throw new Error(probe.why);
  const child: ChildProcessWithoutNullStreams = spawn(python, [join(__dirname, '..', '..', 'resources', 'bench', script), JSON.stringify(args)]);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + String(d)).slice(-2000)));
  // A python that dies leaves a broken pipe: its message is what `next` reports, not an uncaught error.
  const keep = (err: Error) => (stderr += `\n${err.message}`);
  child.on('error', keep);
  child.stdin.on('error', keep);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (what: string): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`PyTorch took over ${timeoutMs / 1000} s for ${what}`)), timeoutMs)),
    );
    try {
      const line = await Promise.race([lines.next(), timeout]);
      if (line.done) throw new Error(`PyTorch ended during ${what}: ${stderr.trim().split('\n').at(-1) ?? 'no message'}`);
      return line.value;
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    const ready = (await next('its warm-up')).split(' ');
    if (ready[0] !== 'ready') throw new Error(`PyTorch said '${ready.join(' ')}' instead of ready`);
    return {
      threads: Number(ready[1]),
      why: probe.why,
      run: async (steps) => {
        child.stdin.write(`${steps}\n`);
        return Number(await next(`${steps} steps`));
      },
      close: () => {
        child.stdin.end('\n');
      },
    };
  } catch (err) {
    child.kill();
    throw err;
  }
}

/** A PyTorch side of a workload row (resources/bench/torch_bench.py at `threads` threads); without torch it says "PyTorch unavailable: <why>". */
export function torchSideSpec(args: Record<string, unknown>, threads: number): SideSpec {
  return {
    label: `PyTorch, ${threads} thread${threads > 1 ? 's' : ''}`,
    implementation: 'PyTorch',
    backend: 'python3',
    threads,
    start: async (): Promise<SideSession | string> => {
      const torch = torchAvailable();
      if (!torch.available) return `PyTorch unavailable: ${torch.why}`;
      const t = await startTorchSession({ ...args, threads }, 'torch_bench.py');
      return { run: (n) => t.run(n), dispose: () => t.close() };
    },
  };
}
