import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/rng';
import { openStore } from '../../src-main/db/connection';
import { listRunLogs } from '../../src-main/db/run-logs';
import { tempDataDir, tinyStudy } from './helpers';
import { cleanupsAfterEach, expectCompletedOnce } from './run-checks';

// Hosts and engines killed with SIGKILL at seeded random moments, many times, while a study trains
// (resume points are saved every 0.1 s, so kills land while they are written too); after each kill
// another `retainlab run` of the same study opens the store and carries on. The end state must be
// exactly that of the study run once without kills.
const BIN = join(__dirname, '..', '..', 'bin', 'retainlab.js');
const KILLS = 20;
const cleanups = cleanupsAfterEach();

/** The engine processes a host started: its children (Linux /proc). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name is in parentheses and may hold spaces: the parent pid is the second field after it.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

function startRun(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Headlines {
  runs: { kind: string; method: string; seed: number; status: string; headline: unknown; aPre?: number }[];
}

describe('fault injection', () => {
  it(`a study survives ${KILLS} SIGKILLs of hosts and engines and ends exactly as the same study run without kills`, async () => {
    const { dir, remove } = tempDataDir();
    cleanups.push(remove);
    const file = join(dir, 'study.json');
    writeFileSync(
      file,
      JSON.stringify(
        tinyStudy({
          name: 'fault injection',
          backend: 'cpu',
          data: { useFraction: 0.1 },
          baseModel: { recipe: 'mlp', pretrain: { epochs: 2 } },
          methods: [{ id: 'vanilla' }, { id: 'ewc' }, { id: 'rehearsal' }, { id: 'lora' }],
          // Small batches: most of a run's time is in its training loop, where resume points are saved.
          budget: { epochs: 3, evalsPerEpoch: 1, batchSize: 16 },
        }),
      ),
    );
    const reference = await startRun([file, '--json', '--data-dir', join(dir, 'reference')]).done;
    expect(reference.code, reference.stderr).toBe(0);

    const store = join(dir, 'store');
    const args = [file, '--json', '--data-dir', store, '--checkpoint-seconds', '0.1', '--lease-seconds', '1', '--parallel', '2'];
    const rng = new Rng(12);
    const kills = { host: 0, engine: 0, afterResumePoint: 0 };
    const total = () => kills.host + kills.engine;
    // Whether a resume point was stored after `since` (read from the store like any other process would).
    const savedSince = (since: string) => {
      if (!existsSync(join(store, 'retainlab.sqlite'))) return false;
      const db = new Database(join(store, 'retainlab.sqlite'), { readonly: true, fileMustExist: true });
      try {
        return (db.prepare(`SELECT COUNT(*) AS n FROM resume_points WHERE created_at > ?`).get(since) as { n: number }).n > 0;
      } catch {
        return false; // not migrated yet
      } finally {
        db.close();
      }
    };
    // The moment to kill: half the time blind (start-up included), else just after a resume point was written
    // (within the next few, which come every 0.1 s: kills land while one is being written, too).
    const killMoment = async (ended: () => boolean) => {
      if (rng.next() < 0.5) return sleep(300 + rng.next() * 3_000).then(() => false);
      const since = new Date().toISOString();
      const until = Date.now() + 30_000;
      while (!ended() && Date.now() < until && !savedSince(since)) await sleep(50);
      await sleep(rng.next() * 400);
      return true;
    };
    let finished: Awaited<ReturnType<typeof startRun>['done']> | null = null;
    const deadline = Date.now() + 10 * 60_000;
    while (!finished && Date.now() < deadline) {
      const run = startRun(args);
      let over = false;
      void run.done.then(() => (over = true));
      const landed = await Promise.race([run.done.then(() => null), killMoment(() => over)]);
      if (landed === null || total() >= KILLS) {
        const ended = await run.done;
        if (ended.code === 0 && total() >= KILLS) finished = ended;
        continue;
      }
      if (landed) kills.afterResumePoint++;
      const engines = childrenOf(run.child.pid!);
      if (engines.length && rng.next() < 0.5) {
        process.kill(engines[Math.floor(rng.next() * engines.length)], 'SIGKILL');
        kills.engine++;
        // The host resumes the run itself; let it go on until the next moment, then stop the host too.
        const again = await Promise.race([run.done.then(() => null), killMoment(() => over)]);
        if (again === null || total() >= KILLS) {
          const ended = await run.done;
          if (ended.code === 0 && total() >= KILLS) finished = ended;
          continue;
        }
        if (again) kills.afterResumePoint++;
      }
      run.child.kill('SIGKILL');
      kills.host++;
      await run.done;
    }
    process.stderr.write(`fault injection: ${JSON.stringify(kills)}\n`);
    expect(kills.host + kills.engine, JSON.stringify(kills)).toBeGreaterThanOrEqual(KILLS);
    expect(kills.host).toBeGreaterThan(0);
    expect(kills.engine).toBeGreaterThan(0);
    expect(kills.afterResumePoint).toBeGreaterThanOrEqual(5);
    expect(finished?.code, finished?.stderr).toBe(0);

    const db = openStore(store);
    cleanups.push(() => db.close());
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const runs = expectCompletedOnce(db, 5);
    // The kills landed in training, not only at start-up: runs went on from their resume points.
    const resumed = runs.flatMap((run) => listRunLogs(db, run.id)).filter((line) => /^resumed from step [1-9]/.test(line));
    expect(resumed.length, JSON.stringify(kills)).toBeGreaterThanOrEqual(3);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM checkpoints`).get()).toEqual({ n: 5 });
    expect(db.prepare(`SELECT COUNT(*) AS n FROM resume_points`).get()).toEqual({ n: 0 });
    // The same final numbers as the run without kills, run by run.
    const key = (r: Headlines['runs'][number]) => `${r.kind} ${r.method} ${r.seed}`;
    const pick = (report: Headlines) => new Map(report.runs.map((r) => [key(r), { status: r.status, headline: r.headline, aPre: r.aPre }]));
    expect(pick(JSON.parse(finished!.stdout))).toEqual(pick(JSON.parse(reference.stdout)));
  }, 900_000);
});
