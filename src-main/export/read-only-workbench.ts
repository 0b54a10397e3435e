import type { AppInfo } from '../../src-shared/api';
import { openStore } from '../db/connection';
import { ApiService } from '../services/api-service';
import { EventBus } from '../services/event-bus';
import { chromiumPrinter } from './chromium-printer';

/**
 * The API over a store without a run host: exporting must never launch, resume or fail a run,
 * even while another workbench (`retainlab serve`, the app) is training on the same store.
 */
export function readOnlyWorkbench(dataDir: string, info: Omit<AppInfo, 'dataDir'>) {
  const db = openStore(dataDir);
  const refuse = () => {
    throw new Error('this workbench only reads the store (export): launch and cancel runs with `retainlab run` or the app');
  };
  const printer = chromiumPrinter();
  const api = new ApiService(
    db,
    { progressOf: () => null, enqueue: refuse, cancel: refuse, cancelStudy: refuse, parallel: 0, setParallel: refuse },
    { ...info, dataDir },
    printer,
  );
  return {
    api,
    bus: new EventBus(),
    async close() {
      await printer.close();
      db.close();
    },
  };
}
