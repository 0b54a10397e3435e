import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandStudy } from '../../src-shared/config';
import type { EvalPoint } from '../../src-shared/evaluation';
import { openStore } from '../../src-main/db/connection';
import { insertEvaluations } from '../../src-main/db/evaluations';
import { claimNextRun } from '../../src-main/db/queue';
import { insertRun } from '../../src-main/db/runs';
import { insertStudy } from '../../src-main/db/studies';
import { validateStudy } from '../../src-main/services/api-service';
import { SearchDriver } from '../../src-main/services/search-driver';
import { tempDataDir, tinyStudy } from './helpers';
import { point as evalPoint } from '../renderer/run-fixtures';

let db: Database.Database;
let remove: () => void;
beforeEach(() => {
  const temp = tempDataDir();
  remove = temp.remove;
  db = openStore(temp.dir);
});
afterEach(() => {
  db.close();
  remove();
});

const point = (phase: EvalPoint['phase'], epoch: number, aTgt: number): EvalPoint => evalPoint({ step: epoch, epoch, phase, aPre: 0.9, aTgt, loss: 1 });

describe('the search driver', () => {
  // Two candidates at the rung of epoch 1: 'mine' (this host's, better) and 'theirs' (worse), trained by `owner`.
  function judge(owner: string): string[] {
    const study = validateStudy(
      tinyStudy({
        methods: [{ id: 'vanilla' }],
        budget: { epochs: 3, evalsPerEpoch: 1, learningRate: [0.01, 0.001], seeds: [0] },
        search: { maximize: 'targetGain', budget: { runs: 2 } },
      }),
    );
    insertStudy(db, 'study-1', study.name, study);
    const [better, worse] = expandStudy(study).runs;
    insertRun(db, { id: 'mine', studyId: 'study-1', baseModelId: null, config: better });
    insertRun(db, { id: 'theirs', studyId: 'study-1', baseModelId: null, config: worse });
    claimNextRun(db, 'me', 60_000);
    claimNextRun(db, owner, 60_000);
    insertEvaluations(db, 'mine', [point('base', 0, 0.1), point('train', 1, 0.8)]);
    insertEvaluations(db, 'theirs', [point('base', 0, 0.1), point('train', 1, 0.2)]);
    const cancelled: string[] = [];
    const host = {
      owner: 'me',
      cancel: (id: string, why?: string) => void cancelled.push(`${id}: ${why}`),
      enqueue: () => {},
      untilEnded: () => Promise.resolve(),
    };
    const driver = new SearchDriver(db, host);
    driver.onRunUpdated({ id: 'mine', studyId: 'study-1', kind: 'finetune', status: 'running' });
    driver.onRunUpdated({ id: 'theirs', studyId: 'study-1', kind: 'finetune', status: 'running' });
    return cancelled;
  }

  it('stops a losing candidate this host trains, saying why', () => {
    expect(judge('me')).toEqual([expect.stringMatching(/^theirs: stopped by search at epoch 1: targetGain ranks 2 of 2/)]);
  });

  it('judges only the candidates this host trains: another process would stop its run as a plain cancel', () => {
    expect(judge('other')).toEqual([]);
  });
});
