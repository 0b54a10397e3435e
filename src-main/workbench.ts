import type { AppInfo } from '../src-shared/api';
import { openStore } from './db/connection';
import { getRun } from './db/runs';
import { chromiumPrinter } from './export/chromium-printer';
import type { FigurePrinter } from './export/figure-printer';
import { ApiService } from './services/api-service';
import { DatasetService } from './services/dataset-service';
import type { EngineLauncher } from './services/engine-launcher';
import { EventBus } from './services/event-bus';
import { RunHost, type RunHostOptions } from './services/run-host';
import { SearchDriver } from './services/search-driver';
import { redisLauncher } from './distributed/redis-launcher';

/** Runs handed to workers at once by a host with --redis and no --parallel. */
export const REMOTE_PARALLEL = 16;

/** The main-side services wired together: store, run host, API and event bus. */
export interface Workbench {
  /** The folder of the store (browser-mode uploads are staged under it). */
  dataDir: string;
  /** Browser mode: how many bytes of uploads not yet imported it holds (undefined: the default). */
  uploadQuota?: number;
  api: ApiService;
  bus: EventBus;
  host: RunHost;
  /** Drives the store's search studies from this host's runs; settles and reports them. */
  search: SearchDriver;
  close(): void;
}

/** Opens the store in `dataDir` and starts the run host, which works the store's queue with every other process on it. */
export function createWorkbench(opts: {
  dataDir: string;
  launcher: EngineLauncher;
  mode: AppInfo['mode'];
  version: string;
  printer?: FigurePrinter;
  /** How this process shares the store's queue: engines at once, lease, resume-point interval. */
  host?: RunHostOptions;
  /** Hand the runs to workers on this Redis (`retainlab worker`) instead of local engines. */
  redis?: string | null;
  /** Browser mode's quota of staged uploads, bytes. */
  uploadQuota?: number;
}): Workbench {
  const db = openStore(opts.dataDir);
  const remote = opts.redis ? redisLauncher(opts.redis, opts.launcher) : null;
  const bus = new EventBus();
  let api: ApiService | null = null;
  const publish = (runId: string) => {
    const run = getRun(db, runId);
    if (run && api) bus.emit('run-updated', api.summarise(run));
  };
  // With workers, `parallel` is how many runs are handed out at once, not this machine's cores.
  const host = new RunHost(db, remote?.launcher ?? opts.launcher, publish, { ...(remote ? { parallel: REMOTE_PARALLEL } : {}), ...opts.host });
  // Browser mode and the CLI print PDFs with headless Chromium; the Electron app passes its own printer.
  const printer = opts.printer ?? chromiumPrinter();
  const datasets = new DatasetService(db, opts.dataDir, (progress) => bus.emit('dataset-import-progress', progress));
  api = new ApiService(db, host, { version: opts.version, mode: opts.mode, dataDir: opts.dataDir }, printer, datasets);
  // Searches stop their losing candidates and launch their chosen points' seeds as this host's runs report.
  const search = new SearchDriver(db, host);
  bus.only('run-updated', (run) => search.onRunUpdated(run));
  return {
    dataDir: opts.dataDir,
    uploadQuota: opts.uploadQuota,
    api,
    bus,
    host,
    search,
    close: () => {
      host.shutdown();
      void remote?.close();
      void printer.close();
      db.close();
    },
  };
}
