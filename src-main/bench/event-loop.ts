import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { forkLauncher } from '../services/fork-launcher';
import { createWorkbench } from '../workbench';

/** The host's event-loop delay (p99, ms) while a study trains in the engine process. */
export async function eventLoopDelayWhileTraining(useFraction: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'retainlab-bench-'));
  const wb = createWorkbench({ dataDir: dir, launcher: forkLauncher(), mode: 'browser', version: 'bench' });
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  try {
    histogram.enable();
    await wb.api.launchStudy({
      data: { useFraction },
      baseModel: { pretrain: { epochs: 1 } },
      methods: [{ id: 'vanilla' }],
      budget: { epochs: 2 },
      backend: 'wasm',
    });
    await wb.host.whenIdle();
    histogram.disable();
    return histogram.percentile(99) / 1e6;
  } finally {
    wb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
