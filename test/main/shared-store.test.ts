import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/db/connection';
import { listRunLogs } from '../../src-main/db/run-logs';
import { listRuns } from '../../src-main/db/runs';
import type { Db } from '../../src-main/db/types';
import { tempDataDir, tinyStudy } from './helpers';
import { cleanupsAfterEach, expectCompletedOnce } from './run-checks';

// Real processes on one real store: `retainlab serve` (what the app does) and `retainlab run` CLIs.
const BIN = join(__dirname, '..', '..', 'bin', 'retainlab.js');
const cleanups = cleanupsAfterEach();

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], dir: string): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [BIN, ...args, '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

function studyFile(dir: string, name: string, seeds: number[]): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(tinyStudy({ name, budget: { epochs: 1, evalsPerEpoch: 2, seeds } })));
  return file;
}

/** Every run trained exactly once: one base point, one final point, one start, nothing failed or interrupted. */
function expectEachTrainedOnce(db: Db): void {
  for (const run of expectCompletedOnce(db)) {
    expect(run.attempts, run.id).toBe(1);
    expect(listRunLogs(db, run.id).join('\n')).not.toMatch(/interrupted|resum|again/);
  }
}

interface Report {
  host: string;
  runs: { id: string; trainedHere: boolean }[];
  alsoTrainedHere: { id: string }[];
}

const trainedBy = (report: Report) => [...report.runs.filter((r) => r.trainedHere).map((r) => r.id), ...report.alsoTrainedHere.map((r) => r.id)];

describe('several processes on one store', () => {
  it('four processes creating and migrating the same new store at the same moment all succeed', async () => {
    const { dir, remove } = tempDataDir();
    cleanups.push(remove);
    const store = join(dir, 'new-store');
    const all = await Promise.all([0, 1, 2, 3].map(() => start(['queue', 'status', '--json'], store).done));
    for (const one of all) expect(one.code, one.stderr).toBe(0);
    expect(all.map((one) => JSON.parse(one.stdout).paused)).toEqual([false, false, false, false]);
  });

  it('a CLI started while `serve` trains a study from its page neither fails nor repeats the live run, and reports what it trained', async () => {
    const { dir, remove } = tempDataDir();
    cleanups.push(remove);
    const server = start(['serve', '--parallel', '1'], dir);
    const url = await new Promise<URL>((resolve) =>
      server.child.stdout!.on('data', (d) => /open (\S+)/.exec(String(d)) && resolve(new URL(/open (\S+)/.exec(String(d))![1]))),
    );
    const call = async (method: string, ...args: unknown[]) => {
      const response = await fetch(new URL(`/api/${method}`, url), {
        method: 'POST',
        headers: { authorization: `Bearer ${url.searchParams.get('token')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ args }),
      });
      const body = (await response.json()) as { ok: boolean; result: unknown };
      expect(body.ok, JSON.stringify(body)).toBe(true);
      return body.result;
    };
    const fromPage = (await call('launchStudy', tinyStudy({ name: 'from the page', budget: { epochs: 2, evalsPerEpoch: 2, seeds: [0, 1, 2] } }))) as {
      runIds: string[];
    };
    // Wait until the page's study is training, then start a CLI on the same store.
    await expect
      .poll(async () => ((await call('listRuns')) as { items: { status: string }[] }).items.some((r) => r.status === 'running'), {
        timeout: 60_000,
        interval: 200,
      })
      .toBe(true);
    const cli = start(['run', studyFile(dir, 'from the cli', [0]), '--json', '--parallel', '1'], dir);
    const finished = await cli.done;
    expect(finished.code, finished.stderr).toBe(0);
    const report = JSON.parse(finished.stdout) as Report;
    await expect
      .poll(async () => ((await call('listRuns')) as { items: { status: string }[] }).items.every((r) => r.status === 'completed'), {
        timeout: 120_000,
        interval: 500,
      })
      .toBe(true);
    server.child.kill('SIGTERM');
    await server.done;
    const db = openStore(dir);
    cleanups.push(() => db.close());
    expectEachTrainedOnce(db);
    // The CLI reports exactly the runs it trained: those the store says it owned.
    const owners = new Map(listRuns(db).map((r) => [r.id, r.owner]));
    expect(trainedBy(report).sort()).toEqual(
      [...owners]
        .filter(([, owner]) => owner === report.host)
        .map(([id]) => id)
        .sort(),
    );
    expect(fromPage.runIds.every((id) => owners.get(id) !== null)).toBe(true);
  });

  it('two CLIs started at the same moment on one store train each run once between them and each reports its own', async () => {
    const { dir, remove } = tempDataDir();
    cleanups.push(remove);
    // The base model is pretrained first, so that both CLIs find fine-tunes to share.
    const warm = await start(['run', studyFile(dir, 'warm-up', [9]), '--json'], dir).done;
    expect(warm.code, warm.stderr).toBe(0);
    const [a, b] = await Promise.all([
      start(['run', studyFile(dir, 'study a', [0, 1, 2]), '--json', '--parallel', '1'], dir).done,
      start(['run', studyFile(dir, 'study b', [3, 4, 5]), '--json', '--parallel', '1'], dir).done,
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const [ra, rb] = [JSON.parse(a.stdout) as Report, JSON.parse(b.stdout) as Report];
    const db = openStore(dir);
    cleanups.push(() => db.close());
    expectEachTrainedOnce(db);
    const [ta, tb] = [trainedBy(ra), trainedBy(rb)];
    expect(ta.filter((id) => tb.includes(id))).toEqual([]);
    const six = [...ra.runs, ...rb.runs].map((r) => r.id);
    expect([...ta, ...tb].filter((id) => six.includes(id)).sort()).toEqual(six.sort());
    for (const [report, trained] of [
      [ra, ta],
      [rb, tb],
    ] as const)
      expect(trained.sort()).toEqual(
        listRuns(db)
          .filter((r) => r.owner === report.host && six.includes(r.id))
          .map((r) => r.id)
          .sort(),
      );
  });
});
