import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudyConfigInput } from '../../src-shared/config';
import { SWEEP_CONFIRM_RUNS } from '../../src-shared/sweep';
import { ValidationError } from '../../src-shared/validation';
import { openStore } from '../../src-main/db/connection';
import { listRuns } from '../../src-main/db/runs';
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

const issuesOf = (input: StudyConfigInput): string[] => {
  try {
    validateStudy(input);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
};

describe('method parameter sweeps', () => {
  it('stores a swept parameter as its values (lists and integer ranges alike), the rest with defaults', () => {
    const study = validateStudy(
      tinyStudy({
        methods: [
          { id: 'lora', params: { rank: { from: 1, to: 64, steps: 4, scale: 'log' } } },
          { id: 'l2-sp', params: { alpha: [0.01, 0.1] } },
        ],
      }),
    );
    expect(study.methods[0].params).toMatchObject({ rank: { values: [1, 4, 16, 64] }, scaleMode: 'alpha=2r' });
    expect(study.methods[1].params).toMatchObject({ alpha: { values: [0.01, 0.1] } });
  });

  it('takes a list-valued parameter as fixed, and sweeps it only as {values}', () => {
    const fixed = validateStudy(tinyStudy({ methods: [{ id: 'wiseft', params: { alphas: [0, 0.5, 1] } }] }));
    expect(fixed.methods[0].params.alphas).toEqual([0, 0.5, 1]);
    const swept = validateStudy(
      tinyStudy({
        methods: [
          {
            id: 'wiseft',
            params: {
              alphas: {
                values: [
                  [0, 1],
                  [0, 0.5, 1],
                ],
              },
            },
          },
        ],
      }),
    );
    expect(swept.methods[0].params.alphas).toEqual({
      values: [
        [0, 1],
        [0, 0.5, 1],
      ],
    });
  });

  it('names the field and the value of a bad swept parameter, and of one that does not apply where it is swept', () => {
    expect(issuesOf(tinyStudy({ methods: [{ id: 'lora', params: { rank: [4, 0] } }] }))).toEqual([expect.stringMatching(/^methods\.0\.params\.rank\.1: /)]);
    expect(issuesOf(tinyStudy({ methods: [{ id: 'lora', params: { rank: { from: 1, to: 1024, steps: 3, scale: 'log' } } }] }))).toEqual([
      expect.stringMatching(/^methods\.0\.params\.rank: the range gives 1024: /),
    ]);
    expect(issuesOf(tinyStudy({ methods: [{ id: 'mixcd', params: { partition: 'class', lossBins: [5, 10] } }] }))).toEqual([
      expect.stringMatching(/^methods\.0\.params\.lossBins: swept, but it does not apply/),
    ]);
    // A partner that is no object is a named field, not a TypeError.
    expect(issuesOf(tinyStudy({ methods: [{ id: 'lora', with: [null as never] }] }))).toContain(
      'methods.0.with.0: Invalid input: expected object, received null',
    );
    expect(issuesOf(tinyStudy({ methods: [{ id: 'lora', params: { rank: { values: [1], step: 2 } } }] }))).toEqual([
      expect.stringMatching(/^methods\.0\.params\.rank\.step: a sweep is \{"values": \[\.\.\.\]\} or a range/),
    ]);
  });

  it('tags each run with its point and leaves out what does not apply at it', async () => {
    const check = await api.checkStudy(
      tinyStudy({ methods: [{ id: 'mixcd', params: { partition: ['loss', 'class'], lossBins: 5 } }], budget: { seeds: [0, 1] } }),
    );
    expect(check.ok && check.runCount).toBe(4);
    // 'class' first: lossBins does not apply at the first point, and must still reach the 'loss' point's run.
    const launch = await api.launchStudy(tinyStudy({ methods: [{ id: 'mixcd', params: { partition: ['class', 'loss'], lossBins: 5 } }] }));
    const runs = listRuns(db).filter((r) => launch.runIds.includes(r.id) && r.kind === 'finetune');
    const configs = runs.map((r) => (r.config?.kind === 'finetune' ? r.config : null)!);
    const loss = configs.find((c) => c.method.params.partition === 'loss')!;
    const byClass = configs.find((c) => c.method.params.partition === 'class')!;
    expect(loss.method.params.lossBins).toBe(5);
    expect(byClass.method.params).not.toHaveProperty('lossBins');
    expect(loss.sweep).toEqual({ id: 'methods.0', point: { 'method.params.partition': 'loss' } });
    expect(byClass.sweep).toEqual({ id: 'methods.0', point: { 'method.params.partition': 'class' } });
  });
});

describe('launching sweeps', () => {
  it(`shows the run count and grid first, and launches more than ${SWEEP_CONFIRM_RUNS} runs only when that count is confirmed`, async () => {
    const big = tinyStudy({
      methods: [{ id: 'l2-sp', params: { alpha: { from: 1e-3, to: 10, steps: 11, scale: 'log' } } }],
      budget: { epochs: [1, 2], seeds: [0, 1, 2, 3, 4] },
    });
    const check = await api.checkStudy(big);
    expect(check).toMatchObject({ ok: true, runCount: 110, confirmAbove: SWEEP_CONFIRM_RUNS });
    expect(check.ok && check.grid).toEqual([expect.objectContaining({ sweepId: 'methods.0', axes: ['method.params.alpha', 'budget.epochs'], size: 22 })]);
    await expect(api.launchStudy(big)).rejects.toThrow(/110 fine-tuning runs, more than 100: confirm/);
    await expect(api.launchStudy(big, { confirmRuns: 109 })).rejects.toThrow(/confirm/);
    expect(listRuns(db)).toHaveLength(0);
    const launched = await api.launchStudy(big, { confirmRuns: 110 });
    expect(launched.runIds).toHaveLength(111);
  });

  it('pretrains one base model per value of a data sweep and starts each run from its own', async () => {
    const check = await api.checkStudy(tinyStudy({ data: { useFraction: [0.1, 0.15] }, methods: [{ id: 'vanilla' }] }));
    expect(check.ok && check.baseModels).toEqual({ count: 2, toPretrain: 2 });
    const launched = await api.launchStudy(tinyStudy({ data: { useFraction: [0.1, 0.15] }, methods: [{ id: 'vanilla' }] }));
    const runs = listRuns(db);
    const pretrains = runs.filter((r) => r.kind === 'pretrain');
    expect(pretrains).toHaveLength(2);
    const finetunes = runs.filter((r) => r.kind === 'finetune');
    expect(new Set(finetunes.map((r) => r.baseModelId)).size).toBe(2);
    for (const run of finetunes) {
      const base = pretrains.find((p) => p.baseModelId === run.baseModelId)!;
      expect(base.config?.baseModel.data).toEqual(run.config?.baseModel.data);
    }
    expect(pretrains.map((p) => p.id)).toContain(launched.pretrainRunId);
  });

  it('refuses a study that expands to more runs than any machine should queue, naming what to change', () => {
    const huge = tinyStudy({
      methods: [{ id: 'l2-sp', params: { alpha: { from: 1e-3, to: 10, steps: 1000, scale: 'log' } } }],
      budget: { seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    });
    expect(issuesOf(huge)).toEqual([expect.stringMatching(/^budget: the study expands to 11000 fine-tuning runs, more than 10000: .*sweep\.sample/)]);
  });

  it('refuses a sampled grid too large to list, instead of stalling on it', () => {
    const budget = { learningRate: { from: 1e-4, to: 1e-1, steps: 1000, scale: 'log' as const }, epochs: { from: 1, to: 200, steps: 200 } };
    expect(issuesOf(tinyStudy({ methods: [{ id: 'vanilla' }], sweep: { sample: 5 }, budget }))).toEqual([
      'methods.0: its sweep grid has 200000 points, more than 100000 even to sample from: sweep fewer values',
    ]);
  });
});
