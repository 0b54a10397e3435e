import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, STORE_FILE } from '../db/connection';
import { commonOptions, defineCommand, type Command } from './command-line';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** `retainlab store compact`: the store file as a whole. */
export const STORE_COMMANDS: Command[] = [
  defineCommand(
    {
      name: 'store compact',
      summary:
        'give the space of deleted runs and datasets back to the disk, and make the store do so by itself from now on (no other process may use it meanwhile)',
      options: {},
    },
    ({ values }) => {
      const { dataDir } = commonOptions(values);
      const file = join(dataDir, STORE_FILE);
      const db = openStore(dataDir);
      try {
        const before = statSync(file).size;
        db.pragma('auto_vacuum = INCREMENTAL');
        try {
          db.exec('VACUUM');
        } catch (err) {
          throw new Error(`cannot compact the store while another process uses it (${(err as Error).message}): stop the app, serve and CLIs on it first`, {
            cause: err,
          });
        }
        db.pragma('wal_checkpoint(TRUNCATE)');
        process.stdout.write(`store compacted: ${mib(before)} → ${mib(statSync(file).size)}\n`);
        return 0;
      } finally {
        db.close();
      }
    },
  ),
];
