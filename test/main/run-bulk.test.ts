import { MAX_RUN_TAGS } from '../../src-shared/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RUN_COMMANDS } from '../../src-main/cli/run-commands';
import { insertCheckpoint } from '../../src-main/db/checkpoints';
import { openStore } from '../../src-main/db/connection';
import { insertEvaluations } from '../../src-main/db/evaluations';
import { annotateRuns, archiveRuns, deleteRuns } from '../../src-main/db/run-bulk';
import { annotationsOf, setNote, setTags } from '../../src-main/db/run-annotations';
import { appendRunLog } from '../../src-main/db/run-logs';
import { setRunPredictions } from '../../src-main/db/run-predictions';
import { saveResumePoint } from '../../src-main/db/resume-points';
import { endRun, getRun, insertRun, listRuns, setRunHeadline } from '../../src-main/db/runs';
import { headline, point as evalPoint } from '../renderer/run-fixtures';
import type { Db } from '../../src-main/db/types';
import { tempDataDir, tinyRunConfig } from './helpers';

let remove: () => void, db: Db, dir: string;
beforeEach(() => {
  ({ dir, remove } = tempDataDir());
  db = openStore(dir);
  for (const [i, id] of ['done-1', 'done-2', 'live'].entries()) insertRun(db, { id, studyId: null, baseModelId: null, config: tinyRunConfig({ seed: i }) });
  endRun(db, 'done-1', 'completed');
  endRun(db, 'done-2', 'cancelled');
});
afterEach(() => {
  db.close();
  remove();
});

const count = (table: string, runId: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`).get(runId) as { n: number }).n;
const CHILD_TABLES = ['evaluations', 'checkpoints', 'resume_points', 'run_logs', 'run_tags', 'run_notes', 'run_predictions'];

describe('deleting selected runs', () => {
  it('removes each run and every row stored for it (evaluations, weights, resume point, logs, annotations, predictions)', () => {
    for (const id of ['done-1', 'done-2']) {
      insertEvaluations(db, id, [evalPoint({ step: 1, phase: 'final', aPre: 0.9, aTgt: 0.5, loss: 1 })]);
      insertCheckpoint(db, id, 1, { manifest: { layers: [] } as never, data: new Uint8Array(4) });
      saveResumePoint(db, id, { step: 1, evalCount: 1, state: new Uint8Array(1) });
      appendRunLog(db, id, 'trained');
      setTags(db, id, ['keep']);
      setNote(db, id, 'a note');
      setRunPredictions(db, id, 'final', new Int32Array([1, 2]));
    }
    expect(CHILD_TABLES.map((t) => count(t, 'done-1'))).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(deleteRuns(db, ['done-1', 'done-2'])).toEqual(['done-1', 'done-2']);
    expect(listRuns(db).map((r) => r.id)).toEqual(['live']);
    expect(CHILD_TABLES.flatMap((t) => [count(t, 'done-1'), count(t, 'done-2')]).every((n) => n === 0)).toBe(true);
  });

  it('refuses the whole selection, naming the run and deleting nothing, while one of them is queued or running', () => {
    expect(() => deleteRuns(db, ['done-1', 'live'])).toThrow(
      /cannot delete the selected runs while a run is queued or running \(live\): cancel it or wait until it ends; nothing was changed/,
    );
    expect(getRun(db, 'done-1')).not.toBeNull();
  });

  it('refuses an unknown id by name', () => {
    expect(() => deleteRuns(db, ['done-1', 'nope'])).toThrow(/no run nope in this store/);
    expect(getRun(db, 'done-1')).not.toBeNull();
  });
});

describe('archiving selected runs', () => {
  it('marks them archived and brings them back, keeping them whole', () => {
    setTags(db, 'done-1', ['keep']);
    expect(archiveRuns(db, ['done-1', 'done-2'], true).map((r) => r.archived)).toEqual([true, true]);
    expect(
      listRuns(db)
        .filter((r) => r.archived)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['done-1', 'done-2']);
    expect(annotationsOf(db, 'done-1').tags).toEqual(['keep']);
    expect(archiveRuns(db, ['done-1'], false)[0].archived).toBe(false);
  });

  it('refuses while a selected run is queued or running, archiving none', () => {
    expect(() => archiveRuns(db, ['done-1', 'live'], true)).toThrow(/cannot archive the selected runs while a run is queued or running \(live\)/);
    expect(getRun(db, 'done-1')?.archived).toBe(false);
  });
});

describe('tagging and noting selected runs', () => {
  it("adds and removes tags on every run, keeping each run's other tags, and sets one note", () => {
    setTags(db, 'done-1', ['old', 'keep']);
    annotateRuns(db, ['done-1', 'done-2'], { addTags: ['sweep-a'], removeTags: ['old'], note: 'rank sweep' });
    expect(annotationsOf(db, 'done-1')).toEqual({ tags: ['keep', 'sweep-a'], note: 'rank sweep' });
    expect(annotationsOf(db, 'done-2')).toEqual({ tags: ['sweep-a'], note: 'rank sweep' });
    annotateRuns(db, ['done-2'], { addTags: ['x'] });
    expect(annotationsOf(db, 'done-2')).toEqual({ tags: ['sweep-a', 'x'], note: 'rank sweep' });
    annotateRuns(db, ['done-2'], { note: '' });
    expect(annotationsOf(db, 'done-2').note).toBe('');
  });

  it(`refuses a tag that would give one run more than ${MAX_RUN_TAGS}, tagging none of the selection`, () => {
    const many = Array.from({ length: MAX_RUN_TAGS }, (_, i) => `t${i}`);
    setTags(db, 'done-2', many);
    expect(() => annotateRuns(db, ['done-1', 'done-2'], { addTags: ['one-more'] })).toThrow(`run done-2 would hold ${MAX_RUN_TAGS + 1} tags`);
    expect(annotationsOf(db, 'done-1').tags).toEqual([]);
    // Removing one in the same change makes room.
    annotateRuns(db, ['done-1', 'done-2'], { addTags: ['one-more'], removeTags: ['t0'] });
    expect(annotationsOf(db, 'done-2').tags).toHaveLength(MAX_RUN_TAGS);
  });
});

describe('the CLI on selected runs', () => {
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      const name = `${args[0]} ${args[1]}`;
      await RUN_COMMANDS.find((c) => c.name === name)!.run([...args.slice(2), '--data-dir', dir]);
    } finally {
      spy.mockRestore();
    }
    return out.join('');
  };

  it('lists the runs matching a --where search, and names an unknown field with an error', async () => {
    setRunHeadline(db, 'done-1', headline(0.88, 0.6));
    setRunHeadline(db, 'done-2', headline(0.3, 0.9));
    const listed = JSON.parse(await cli('runs', 'list', '--where', 'retention>0.9 seed<5', '--json')) as { id: string }[];
    expect(listed.map((r) => r.id)).toEqual(['done-1']);
    await expect(cli('runs', 'list', '--where', 'retentoin>0.9')).rejects.toThrow(
      /--where: retentoin>0.9: no field 'retentoin' \(fields: aPre, aTgt, retention, .*, id, status, method, note, or a config path/,
    );
  });

  it('archives a run and brings it back, and refuses a queued one', async () => {
    expect(await cli('runs', 'archive', 'done-1')).toBe('archived run done-1\n');
    expect(getRun(db, 'done-1')?.archived).toBe(true);
    await cli('runs', 'archive', 'done-1', '--undo');
    expect(getRun(db, 'done-1')?.archived).toBe(false);
    await expect(cli('runs', 'archive', 'live')).rejects.toThrow(/queued or running \(live\)/);
  });
});
