import { afterEach } from 'vitest';
import { openStore } from '../../src-main/db/connection';
import type { Db } from '../../src-main/db/types';
import { tempDataDir } from './helpers';

/** A fresh store in a temporary folder, closed and removed by the returned cleanup. */
export function tempStore(): { db: Db; dir: string; remove: () => void } {
  const data = tempDataDir();
  const db = openStore(data.dir);
  return {
    db,
    dir: data.dir,
    remove: () => {
      db.close();
      data.remove();
    },
  };
}

/** A maker of temporary stores for one test file, each removed after its test. */
export function tempStores(): () => ReturnType<typeof tempStore> {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  return () => {
    const s = tempStore();
    cleanups.push(s.remove);
    return s;
  };
}

/** Row counts of every dataset table, to show a failed import left the store as it was. */
export function datasetTableCounts(db: Db): Record<string, number> {
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { datasets: count('datasets'), chunks: count('dataset_chunks'), texts: count('dataset_texts') };
}
