import { afterEach, expect } from 'vitest';
import { listEvaluations } from '../../src-main/db/evaluations';
import { listRuns, type RunRecord } from '../../src-main/db/runs';
import type { Db } from '../../src-main/db/types';

/** Every run of the store completed, with exactly one base and one final evaluation point (none stored twice after a resume); returns them. */
export function expectCompletedOnce(db: Db, count?: number): RunRecord[] {
  const runs = listRuns(db);
  if (count !== undefined) expect(runs).toHaveLength(count);
  for (const run of runs) {
    expect(run.status, `${run.id}: ${run.error}`).toBe('completed');
    const phases = listEvaluations(db, run.id).map((e) => e.phase);
    expect(phases.filter((p) => p === 'base').length, `${run.id}: base points`).toBe(1);
    expect(phases.filter((p) => p === 'final').length, `${run.id}: final points`).toBe(1);
  }
  return runs;
}

/** A list of clean-ups (servers, processes, folders) run in reverse order after each test of the file. */
export function cleanupsAfterEach(): (() => void)[] {
  const cleanups: (() => void)[] = [];
  afterEach(() =>
    cleanups
      .splice(0)
      .reverse()
      .forEach((c) => c()),
  );
  return cleanups;
}
