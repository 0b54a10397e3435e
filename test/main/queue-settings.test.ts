import { describe, expect, it } from 'vitest';
import { hostOptions, redisUrl } from '../../src-main/cli/command-line';
import { explainEngineExit } from '../../src-main/services/engine-exit';
import { studyProgress } from '../../src-main/services/study-progress';
import { openStore } from '../../src-main/db/connection';
import { insertRun } from '../../src-main/db/runs';
import { insertStudy, listStudyCounts } from '../../src-main/db/studies';
import { tempDataDir, tinyRunConfig } from './helpers';

describe('queue settings, engine exits and study progress', () => {
  it('reads --parallel, --checkpoint-seconds, --lease-seconds and --redis, refusing each bad value with the flag named', () => {
    expect(hostOptions({ parallel: '3', 'checkpoint-seconds': '0.5', 'lease-seconds': '10' })).toEqual({
      parallel: 3,
      checkpointEvery: { seconds: 0.5 },
      leaseMs: 10_000,
    });
    expect(hostOptions({})).toEqual({});
    expect(() => hostOptions({ parallel: '0' })).toThrow("--parallel must be a whole number above 0 and at most 256, got '0'");
    expect(() => hostOptions({ parallel: '1.5' })).toThrow(/--parallel must be a whole number/);
    expect(() => hostOptions({ 'lease-seconds': 'soon' })).toThrow("--lease-seconds must be a number above 0 and at most 86400, got 'soon'");
    expect(redisUrl('redis://10.0.0.5:6379')).toBe('redis://10.0.0.5:6379');
    expect(redisUrl(undefined)).toBeNull();
    expect(() => redisUrl('10.0.0.5:6379')).toThrow(/--redis must (be a URL like redis:\/\/HOST:PORT|start with redis:\/\/)/);
    expect(() => redisUrl('http://10.0.0.5')).toThrow("--redis must start with redis:// or rediss://, got 'http://10.0.0.5'");
  });

  it('says which signal killed an engine instead of "exit code null"', () => {
    expect(explainEngineExit(null, 'SIGKILL')).toBe('the engine process was killed by signal SIGKILL (sent by a user or by the system when memory runs out)');
    expect(explainEngineExit(null, 'SIGSEGV')).toMatch(/SIGSEGV \(a crash in native code\)/);
    expect(explainEngineExit(3, null)).toBe('the engine process exited unexpectedly with exit code 3');
  });

  it("estimates a study's time left from its completed runs and shares the rest among the engines", () => {
    const { dir, remove } = tempDataDir();
    const db = openStore(dir);
    try {
      insertStudy(db, 's', 'progress', {});
      for (const id of ['a', 'b', 'c', 'd']) insertRun(db, { id, studyId: 's', baseModelId: null, config: tinyRunConfig() });
      const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
      const set = db.prepare(`UPDATE runs SET status = ?, started_at = ?, ended_at = ? WHERE id = ?`);
      set.run('completed', at(0), at(10), 'a');
      set.run('completed', at(10), at(30), 'b');
      set.run('running', at(30), null, 'c');
      const now = Date.UTC(2026, 0, 1, 0, 0, 35);
      const [study] = listStudyCounts(db);
      expect(study.counts).toEqual({ queued: 1, running: 1, completed: 2, cancelled: 0, failed: 0 });
      // c reports 12 s left itself; d, queued, counts the mean of a and b (15 s); two engines share 27 s.
      const progress = studyProgress(db, study, (id) => (id === 'c' ? ({ etaSeconds: 12 } as never) : null), 2, now);
      expect(progress).toMatchObject({ total: 4, done: 2, etaSeconds: 13.5, slowestRunId: 'c' });
      // Without its own estimate, c has run 5 s of a typical 15.
      expect(studyProgress(db, study, () => null, 1, now)).toMatchObject({ etaSeconds: 25, slowestRunId: 'c' });
    } finally {
      db.close();
      remove();
    }
  });
});
