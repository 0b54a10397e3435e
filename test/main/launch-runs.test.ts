import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src-shared/config';
import type { StoredRunConfig } from '../../src-shared/run-record';
import { openStore } from '../../src-main/db/connection';
import { listRuns } from '../../src-main/db/runs';
import type { FigurePrinter } from '../../src-main/export/figure-printer';
import { ApiService, validateStudy } from '../../src-main/services/api-service';
import { lookUpLibrary } from '../../src-main/services/library-study';
import { resolveStudy } from '../../src-main/services/resolve-study';
import { blobCsv } from './dataset-fixtures';
import { tempDataDir, tinyRunConfig, tinyStudy } from './helpers';

const FIXTURES = join(__dirname, '..', 'fixtures');
const noPrinter: FigurePrinter = { pdf: () => Promise.reject(new Error('no printing here')), close: () => Promise.resolve() };

let db: Database.Database;
let dir: string;
let remove: () => void;
let enqueued: string[];
let api: ApiService;

beforeEach(() => {
  ({ dir, remove } = tempDataDir());
  db = openStore(dir);
  enqueued = [];
  // A host that only records what it is asked to run: no engine here.
  const host = {
    progressOf: () => null,
    enqueue: (ids: string[]) => void enqueued.push(...ids),
    cancel: () => {},
    cancelStudy: () => {},
    parallel: 1,
    setParallel: () => {},
  };
  api = new ApiService(db, host, { version: 'test', mode: 'browser', dataDir: dir }, noPrinter);
});
afterEach(() => {
  db.close();
  remove();
});

/** The issues launchRuns refuses the configs with. */
async function refusal(configs: unknown[]): Promise<string[]> {
  const error = await api.launchRuns(configs).then(
    () => null,
    (err: unknown) => err,
  );
  expect(error, 'launchRuns should refuse these configs').toBeInstanceOf(Error);
  expect(listRuns(db)).toEqual([]);
  expect(enqueued).toEqual([]);
  return (error as { issues: string[] }).issues;
}

const studies = () => db.prepare(`SELECT id, name, config_json FROM studies ORDER BY name`).all() as { id: string; name: string; config_json: string }[];

describe('launchRuns (retainlab run runs.json)', () => {
  it('refuses a recipe that does not fit the task', async () => {
    const config = tinyRunConfig();
    const issues = await refusal([config, { ...config, baseModel: { ...config.baseModel, recipe: 'char-gpt' } }]);
    expect(issues).toEqual([expect.stringMatching(/^runs\.1\.baseModel\.recipe: 'char-gpt' is a text language-model recipe/)]);
  });

  it('refuses a sequence whose tasks do not share a base model and head', async () => {
    const issues = await refusal([tinyRunConfig({ target: { task: 'rotate90', then: ['new-classes'] } })]);
    expect(issues.some((i) => i.startsWith('runs.0.target.then.0: '))).toBe(true);
  });

  it('refuses library datasets on a built-in task, and a dataset task without its dataset', async () => {
    expect(await refusal([tinyRunConfig({ target: { task: 'rotate90', dataset: 'ds-1' } })])).toContain(
      "runs.0.target.dataset: only the task 'dataset' reads datasets of the library; 'rotate90' brings its own data",
    );
    const config = tinyRunConfig();
    const noDataset = {
      ...config,
      baseModel: { ...config.baseModel, data: { source: 'library', pretrain: 'ds-1', minCharCount: 5 } },
      target: { task: 'dataset' },
    };
    const issues = await refusal([noDataset]);
    expect(issues).toContain('runs.0.target.dataset: choose the target dataset (an id from the dataset library)');
    expect(issues).toContain("runs.0: no dataset 'ds-1' in this store's library");
  });

  it("refuses recipe 'imported' without its imported block", async () => {
    const config = tinyRunConfig();
    const issues = await refusal([{ ...config, baseModel: { ...config.baseModel, recipe: 'imported' } }]);
    expect(issues).toEqual(["runs.0.baseModel.imported: recipe 'imported' needs its imported block (the imported model's id and architecture)"]);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM base_models`).get()).toEqual({ n: 0 });
  });

  it('refuses an imported model or datasets the store does not hold', async () => {
    const config = tinyRunConfig();
    const imported = {
      ...config,
      baseModel: {
        ...config.baseModel,
        recipe: 'imported',
        data: { source: 'library', pretrain: 'ds-pre', minCharCount: 5 },
        imported: { id: 'model-x', inputShape: [8, 8, 1], backbone: [], headUnits: 3, frozen: [] },
      },
      target: { task: 'dataset', dataset: 'ds-tgt' },
    };
    expect(await refusal([imported])).toEqual([
      "runs.0.baseModel.imported.id: no imported model 'model-x' in this store",
      "runs.0: no dataset 'ds-pre' in this store's library",
      "runs.0: no dataset 'ds-tgt' in this store's library",
    ]);
  });

  it('refuses library datasets that do not fit each other (the study lookup)', async () => {
    const digits = await api.importDataset({ kind: 'path', path: join(FIXTURES, 'import', 'digits8.npz') }, { name: 'digits' }, 'job-1');
    writeFileSync(join(dir, 'sensors.csv'), blobCsv(['idle', 'walk', 'run'], { perClass: 30, features: 4, seed: 1 }));
    const sensors = await api.importDataset({ kind: 'path', path: join(dir, 'sensors.csv') }, { name: 'sensors' }, 'job-2');
    const study = validateStudy(
      tinyStudy({ data: { source: 'library', pretrain: digits.id }, target: { task: 'dataset', dataset: digits.id }, baseModel: { recipe: 'mlp' } }),
    );
    const { library } = lookUpLibrary(db, study);
    const [run] = resolveStudy(study, library).runs;
    const misfit: RunConfig = { ...run, target: { task: 'dataset', dataset: sensors.id } };
    const issues = await refusal([run, misfit]);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.startsWith('runs.1.'))).toBe(true);
    // The fitting config alone is launched.
    await expect(api.launchRuns([run])).resolves.toMatchObject({ pretrainRunId: expect.any(String) });
  });

  it('reports bad method parameters and every bad config at once, each under its own index', async () => {
    const issues = await refusal([
      tinyRunConfig({ method: { id: 'lora', params: { rank: 0 }, with: [] } }),
      tinyRunConfig({ target: { task: 'rotate90', then: ['new-classes'] } }),
    ]);
    expect(issues.some((i) => i.startsWith('runs.0.method.params.rank: '))).toBe(true);
    expect(issues.some((i) => i.startsWith('runs.1.target.then.0: '))).toBe(true);
  });

  it('stores method parameters with every default filled, as launchStudy does', async () => {
    await api.launchRuns([tinyRunConfig({ method: { id: 'lora', params: { rank: 4 }, with: [] } })]);
    const finetune = listRuns(db).find((r) => r.kind === 'finetune')!;
    const expected = validateStudy(tinyStudy({ methods: [{ id: 'lora', params: { rank: 4 } }] })).methods[0];
    expect(Object.keys(expected.params).length).toBeGreaterThan(1);
    expect(finetune.config?.kind === 'finetune' && finetune.config.method).toEqual(expected);
  });

  it('makes one study per study name, each holding its own runs', async () => {
    const result = await api.launchRuns([
      tinyRunConfig({ studyName: 'A' }),
      tinyRunConfig({ studyName: 'B', seed: 1 }),
      tinyRunConfig({ studyName: 'A', seed: 2 }),
    ]);
    const stored = studies();
    expect(stored.map((s) => s.name)).toEqual(['A', 'B']);
    expect(result.studyId).toBe(stored[0].id);
    const configsOf = (s: (typeof stored)[number]) => (JSON.parse(s.config_json) as StoredRunConfig[]).map((c) => c.studyName);
    expect(stored.map(configsOf)).toEqual([['A', 'A'], ['B']]);
    const runs = listRuns(db).filter((r) => r.kind === 'finetune');
    expect(runs).toHaveLength(3);
    for (const run of runs) expect(run.studyId).toBe(stored.find((s) => s.name === run.config?.studyName)!.id);
  });

  it('pretrains the base model first on a fresh store, once per spec', async () => {
    const result = await api.launchRuns([tinyRunConfig(), tinyRunConfig({ seed: 1 })]);
    expect(result.pretrainRunId).not.toBeNull();
    expect(result.runIds).toHaveLength(3);
    expect(result.runIds[0]).toBe(result.pretrainRunId);
    expect(enqueued).toEqual(result.runIds);
    const runs = new Map(listRuns(db).map((r) => [r.id, r]));
    expect(runs.get(result.runIds[0])).toMatchObject({ kind: 'pretrain', baseModelId: result.baseModelId });
    for (const id of result.runIds.slice(1)) expect(runs.get(id)).toMatchObject({ kind: 'finetune', baseModelId: result.baseModelId });
  });
});
