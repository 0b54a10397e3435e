import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { comparisonRows } from '../../src-shared/compare-rows';
import { configDifferences } from '../../src-shared/config-diff';
import { matchesQuery } from '../../src-shared/run-query';
import { expandStudy, studyConfigSchema } from '../../src-shared/config';
import { ValidationError } from '../../src-shared/validation';
import { findUsableBaseModel, specKey } from '../../src-main/db/base-models';
import { openStore } from '../../src-main/db/connection';
import { getRun, listRuns } from '../../src-main/db/runs';
import type { FigurePrinter } from '../../src-main/export/figure-printer';
import { ApiService, validateStudy } from '../../src-main/services/api-service';
import { tempDataDir, tinyStudy } from './helpers';

const noPrinter: FigurePrinter = { pdf: () => Promise.reject(new Error('no printing here')), close: () => Promise.resolve() };

let db: Database.Database;
let remove: () => void;
let api: ApiService;

beforeEach(() => {
  const temp = tempDataDir();
  remove = temp.remove;
  db = openStore(temp.dir);
  // A host that only takes runs: no engine here.
  const host = { progressOf: () => null, enqueue: () => {}, cancel: () => {}, cancelStudy: () => {}, parallel: 1, setParallel: () => {} };
  api = new ApiService(db, host, { version: 'test', mode: 'browser', dataDir: temp.dir }, noPrinter);
});
afterEach(() => {
  db.close();
  remove();
});

describe('weight initialisation of a base model', () => {
  it('defaults to glorot, leaving a study without init as it was, and refuses an unknown initialisation by its field', () => {
    // A study file written before the setting existed parses to the same config (continueStudy finds it by its JSON).
    const study = validateStudy(tinyStudy());
    expect(Object.keys(study.baseModel)).not.toContain('init');
    expect(expandStudy(study).runs[0].baseModel.init).toBe('glorot');
    let error: unknown = null;
    try {
      validateStudy(tinyStudy({ baseModel: { recipe: 'mlp', init: 'xavier' as 'glorot' } }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.join('\n')).toMatch(/^baseModel\.init: .*glorot.*pytorch.*he/m);
  });

  it('is stored with the base model and its pretraining run, so a run says which one it used', async () => {
    const launched = await api.launchStudy(tinyStudy({ baseModel: { recipe: 'mlp', init: 'pytorch', pretrain: { epochs: 2 } } }));
    const [model] = await api.listBaseModels();
    expect(model.id).toBe(launched.baseModelId);
    expect(model.init).toBe('pytorch');
    expect(model.name).toMatch(/\(pytorch init\)$/);
    const pretrain = getRun(db, launched.pretrainRunId!)!;
    expect(pretrain.config?.baseModel.init).toBe('pytorch');
    const finetune = listRuns(db).find((r) => r.kind === 'finetune')!;
    expect(finetune.baseModelId).toBe(launched.baseModelId);
    expect(finetune.config?.baseModel.init).toBe('pytorch');
  });

  it('makes two base models that differ only in init two base models, each reused by its own init', async () => {
    const pytorch = await api.launchStudy(tinyStudy({ baseModel: { recipe: 'mlp', init: 'pytorch', pretrain: { epochs: 2 } } }));
    const glorot = await api.launchStudy(tinyStudy({ baseModel: { recipe: 'mlp', init: 'glorot', pretrain: { epochs: 2 } } }));
    const he = await api.launchStudy(tinyStudy({ baseModel: { recipe: 'mlp', init: 'he', pretrain: { epochs: 2 } } }));
    expect(new Set([pytorch.baseModelId, glorot.baseModelId, he.baseModelId]).size).toBe(3);
    expect([pytorch, glorot, he].every((l) => l.pretrainRunId !== null)).toBe(true);
    expect((await api.listBaseModels()).map((m) => m.init).sort()).toEqual(['glorot', 'he', 'pytorch']);
    // The same study again finds its own model (still pretraining) and pretrains nothing.
    const again = await api.launchStudy(tinyStudy({ baseModel: { recipe: 'mlp', init: 'pytorch', pretrain: { epochs: 2 } } }));
    expect(again.baseModelId).toBe(pytorch.baseModelId);
    expect(again.pretrainRunId).toBeNull();
  });

  it('reuses a Glorot base model stored before the setting existed (its spec names no init)', async () => {
    const spec = expandStudy(studyConfigSchema.parse(tinyStudy({ baseModel: { recipe: 'mlp', pretrain: { epochs: 2 } } }))).bases[0].baseModel;
    expect(spec.init).toBe('glorot');
    // The row as the store held it then: the spec's canonical JSON (keys sorted), without init.
    const { init: _glorot, ...older } = spec;
    const sorted = (v: unknown): unknown =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, x]) => [k, sorted(x)]),
          )
        : v;
    db.prepare(`INSERT INTO base_models (id, name, recipe, spec_key, status, created_at) VALUES ('base-old', 'MLP on digits 0-9', 'mlp', ?, 'ready', ?)`).run(
      JSON.stringify(sorted(older)),
      new Date().toISOString(),
    );
    expect(specKey(spec)).toBe(JSON.stringify(sorted(older)));
    expect(findUsableBaseModel(db, spec)?.id).toBe('base-old');
    expect(findUsableBaseModel(db, { ...spec, init: 'pytorch' })).toBeNull();
    const launched = await api.launchStudy(tinyStudy({ baseModel: { recipe: 'mlp', pretrain: { epochs: 2 } } }));
    expect(launched.baseModelId).toBe('base-old');
    expect((await api.listBaseModels())[0].init).toBe('glorot');
  });

  it('launches stored run configs with their init, and older configs without one as glorot', async () => {
    const [run] = expandStudy(studyConfigSchema.parse(tinyStudy({ baseModel: { recipe: 'mlp', init: 'he', pretrain: { epochs: 2 } } }))).runs;
    const launched = await api.launchRuns([run]);
    expect((await api.listBaseModels()).find((m) => m.id === launched.baseModelId)?.init).toBe('he');
    const { init: _he, ...olderSpec } = run.baseModel;
    const older = await api.launchRuns([{ ...run, baseModel: olderSpec }]);
    expect(older.baseModelId).not.toBe(launched.baseModelId);
    expect((await api.listBaseModels()).find((m) => m.id === older.baseModelId)?.init).toBe('glorot');
  });

  it("shows in the config diff, the compared rows' labels and run queries as any other field", () => {
    const runOf = (init: 'glorot' | 'pytorch') => expandStudy(studyConfigSchema.parse(tinyStudy({ baseModel: { recipe: 'mlp', init } }))).runs[0];
    expect(configDifferences([runOf('glorot'), runOf('pytorch')])).toEqual([{ path: 'baseModel.init', values: ['glorot', 'pytorch'] }]);
    const runs = (['glorot', 'pytorch'] as const).map((init) => ({
      id: init,
      studyName: 'tiny study',
      status: 'completed',
      seed: 0,
      methodId: 'vanilla',
      methodLabel: 'Vanilla fine-tuning',
      headline: null,
      config: runOf(init),
    }));
    expect(comparisonRows(runs).map((r) => r.label)).toEqual(['Vanilla fine-tuning (init=glorot)', 'Vanilla fine-tuning (init=pytorch)']);
    expect(runs.filter((r) => matchesQuery(r, 'init=pytorch')).map((r) => r.id)).toEqual(['pytorch']);
  });

  it('reads a run stored before the setting existed as glorot', () => {
    const [run] = expandStudy(studyConfigSchema.parse(tinyStudy())).runs;
    const { init: _glorot, ...older } = run.baseModel;
    db.prepare(
      `INSERT INTO runs (id, kind, method_id, seed, config_json, status, created_at) VALUES ('run-old', 'finetune', 'vanilla', 0, ?, 'queued', ?)`,
    ).run(JSON.stringify({ ...run, baseModel: older }), new Date().toISOString());
    expect(getRun(db, 'run-old')?.config?.baseModel.init).toBe('glorot');
  });
});
