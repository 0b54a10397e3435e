import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/db/connection';
import type { FigurePrinter } from '../../src-main/export/figure-printer';
import { ApiService } from '../../src-main/services/api-service';
import { tempDataDir, tinyRunConfig, tinyStudy } from './helpers';

const noPrinter: FigurePrinter = { pdf: () => Promise.reject(new Error('no printing here')), close: () => Promise.resolve() };

let db: Database.Database;
let remove: () => void;
let api: ApiService;

beforeEach(() => {
  let dir: string;
  ({ dir, remove } = tempDataDir());
  db = openStore(dir);
  // A host that runs nothing: the study only has to be stored.
  const host = { progressOf: () => null, enqueue: () => {}, cancel: () => {}, cancelStudy: () => {}, parallel: 1, setParallel: () => {} };
  api = new ApiService(db, host, { version: 'test', mode: 'browser', dataDir: dir }, noPrinter);
});
afterEach(() => {
  db.close();
  remove();
});

describe('getStudy (cloning a past study in the wizard)', () => {
  it('gives back the validated config a study was launched from, sweeps included', async () => {
    const launched = await api.launchStudy(tinyStudy({ name: 'rank sweep', methods: [{ id: 'lora', params: { rank: [1, 4] } }, { id: 'vanilla' }] }));
    const stored = await api.getStudy(launched.studyId);
    expect(stored).toMatchObject({ id: launched.studyId, name: 'rank sweep' });
    expect(stored.config?.methods.map((m) => m.id)).toEqual(['lora', 'vanilla']);
    expect(stored.config?.methods[0].params.rank).toEqual({ values: [1, 4] });
    // What is given back launches again as it is.
    expect((await api.checkStudy(stored.config)).ok).toBe(true);
  });

  it('has no study config for runs launched as run configs, and names an unknown study', async () => {
    const launched = await api.launchRuns([tinyRunConfig()]);
    expect((await api.getStudy(launched.studyId)).config).toBeNull();
    await expect(api.getStudy('study-nope')).rejects.toMatchObject({ name: 'NotFoundError', issues: ["studyId: no study 'study-nope'"] });
  });
});
