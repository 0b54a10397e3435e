import type { AppInfo } from '../src-shared/api';
import { openStore } from './db/connection';
import { removeUnfinishedImports } from './db/datasets';
import { getRun } from './db/runs';
import { chromiumPrinter } from './export/chromium-printer';
import type { FigurePrinter } from './export/figure-printer';
import { ApiService } from './services/api-service';
import { DatasetService } from './services/dataset-service';
import type { EngineLauncher } from './services/engine-launcher';
import { EventBus } from './services/event-bus';
import { RunHost } from './services/run-host';

/** The main-side services wired together: store, run host, API and event bus. */
export interface Workbench {
  /** The folder of the store (browser-mode uploads are staged under it). */
  dataDir: string;
  api: ApiService;
  bus: EventBus;
  host: RunHost;
  close(): void;
}

/** Opens the store in `dataDir` and starts the run host; queued runs from before resume. */
export function createWorkbench(opts: {
  dataDir: string;
  launcher: EngineLauncher;
  mode: AppInfo['mode'];
  version: string;
  printer?: FigurePrinter;
}): Workbench {
  const db = openStore(opts.dataDir);
  const bus = new EventBus();
  let api: ApiService | null = null;
  const publish = (runId: string) => {
    const run = getRun(db, runId);
    if (run && api) bus.emit('run-updated', api.summarise(run));
  };
  const host = new RunHost(db, opts.launcher, publish);
  // Browser mode and the CLI print PDFs with headless Chromium; the Electron app passes its own printer.
  const printer = opts.printer ?? chromiumPrinter();
  // An import cut short by a crash never became visible; its rows are garbage now.
  removeUnfinishedImports(db);
  const datasets = new DatasetService(db, opts.dataDir, (progress) => bus.emit('dataset-import-progress', progress));
  api = new ApiService(db, host, { version: opts.version, mode: opts.mode, dataDir: opts.dataDir }, printer, datasets);
  return {
    dataDir: opts.dataDir,
    api,
    bus,
    host,
    close: () => {
      host.shutdown();
      void printer.close();
      db.close();
    },
  };
}
