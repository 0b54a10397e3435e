import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/db/connection';
import { listRunLogs } from '../../src-main/db/run-logs';
import { tempDataDir, tinyStudy } from './helpers';
import { cleanupsAfterEach, expectCompletedOnce } from './run-checks';

// A host and two workers on a real Redis (Debian's redis-server, which .ci/run installs) train one study.
const BIN = join(__dirname, '..', '..', 'bin', 'retainlab.js');
const REDIS = '/usr/bin/redis-server';
const cleanups = cleanupsAfterEach();

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function start(command: string, args: string[]): { child: ChildProcess; output: () => string; done: Promise<number | null> } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, output: () => output, done: new Promise((resolve) => child.on('close', resolve)) };
}

const describeWithRedis = existsSync(REDIS) ? describe : describe.skip;

describeWithRedis(
  `distributed runs through BullMQ${existsSync(REDIS) ? '' : ' (skipped: redis-server is not installed; apt-get install redis-server)'}`,
  () => {
    it('a host and two workers train every run of a study once; a worker killed mid-run has its run finished by the other from a resume point', async () => {
      const port = await freePort();
      const redis = start(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
      await expect.poll(() => redis.output(), { timeout: 10_000 }).toMatch(/Ready to accept connections/);
      const url = `redis://127.0.0.1:${port}`;
      const { dir, remove } = tempDataDir();
      cleanups.push(remove);
      const workers = [0, 1].map(() => start(process.execPath, [BIN, 'worker', '--redis', url, '--parallel', '1', '--lock-seconds', '2']));
      const file = join(dir, 'study.json');
      // 4 methods × 2 seeds = 8 fine-tunes after the pretraining run, long enough to be killed in the middle
      // (with runs of 6 epochs, about 1.5 s each, a CI run found none of worker 1's with a resume point while it trained).
      writeFileSync(
        file,
        JSON.stringify(
          tinyStudy({
            methods: [{ id: 'vanilla' }, { id: 'l2-sp' }, { id: 'ewc' }, { id: 'rehearsal' }],
            budget: { epochs: 16, batchSize: 16, evalsPerEpoch: 2, seeds: [0, 1] },
          }),
        ),
      );
      const store = join(dir, 'store');
      const host = start(process.execPath, [BIN, 'run', file, '--json', '--redis', url, '--parallel', '4', '--checkpoint-seconds', '0.2', '--data-dir', store]);
      // Kill the first worker once a fine-tune it trains has a resume point in the host's store.
      let victimRun = '';
      let hostEnded = false;
      void host.done.then(() => (hostEnded = true));
      const findVictim = () => {
        const training = [...workers[0].output().matchAll(/run (run-\w+): (?:from the beginning|resuming)/g)].map((m) => m[1]);
        if (!training.length || !existsSync(join(store, 'retainlab.sqlite'))) return '';
        // Read-only, as an onlooker: the host alone writes its store.
        const db = new Database(join(store, 'retainlab.sqlite'), { readonly: true, fileMustExist: true });
        try {
          const saved = new Set((db.prepare(`SELECT run_id FROM resume_points`).all() as { run_id: string }[]).map((r) => r.run_id));
          const kinds = new Map((db.prepare(`SELECT id, kind FROM runs`).all() as { id: string; kind: string }[]).map((r) => [r.id, r.kind]));
          return training.reverse().find((id) => saved.has(id) && kinds.get(id) === 'finetune' && !workers[0].output().includes(`run ${id}: done`)) ?? '';
        } catch {
          return ''; // not migrated yet
        } finally {
          db.close();
        }
      };
      // Until found, or the host is done (then there was nothing left to kill in: said below, not waited out).
      const deadline = Date.now() + 400_000;
      while (!victimRun && !hostEnded && Date.now() < deadline) {
        victimRun = findVictim();
        if (!victimRun) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(victimRun, `no fine-tune of worker 1 had a resume point while it trained:\n${workers[0].output()}\n${host.output()}`).not.toBe('');
      workers[0].child.kill('SIGKILL');
      expect(await host.done, host.output()).toBe(0);
      const db = openStore(store);
      cleanups.push(() => db.close());
      const runs = expectCompletedOnce(db, 9);
      // Each run was handed out once, except the victim's, which the surviving worker resumed.
      const [, survivor] = workers.map((w) => /worker (\S+):/.exec(w.output())![1]);
      const victimLog = listRunLogs(db, victimRun).join('\n');
      expect(victimLog).toMatch(new RegExp(`trained by worker ${survivor}, resuming from step [1-9]\\d*`));
      for (const run of runs.filter((r) => r.id !== victimRun))
        expect(listRunLogs(db, run.id).filter((l) => l.startsWith('trained by worker'))).toHaveLength(1);
      // Bounded, but not by the default two minutes: on a loaded 2-core CI machine nine runs, a host, two workers and Redis take longer.
    }, 600_000);
  },
);
