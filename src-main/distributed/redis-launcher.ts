import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EngineLauncher } from '../services/engine-launcher';
import { cancelKey, decode, encode, eventsKey, hostAliveKey, QUEUE_NAME, type RemoteJobData, type WireItem } from './wire';
import { redisModules } from './redis-modules';

const ALIVE_MS = 30_000;
const STATE_CHECK_EVERY = 5;

/** A launcher that hands engine jobs to RetainLab workers through Redis, and what it holds open. */
export interface RedisLauncher {
  launcher: EngineLauncher;
  close(): Promise<void>;
}

/**
 * Launches engine jobs on workers (`retainlab worker --redis URL`) through a BullMQ queue instead of
 * local processes; the host stays the only writer of its store and persists the messages the workers
 * stream back. Jobs on library datasets run on `local`: their engine reads the store file, which is
 * on this machine only.
 */
export function redisLauncher(url: string, local: EngineLauncher, log = (line: string) => process.stderr.write(`${line}\n`)): RedisLauncher {
  const { Queue, Redis } = redisModules();
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  let lastError = '';
  // Said once per distinct problem: ioredis retries a lost connection by itself, and runs wait meanwhile.
  connection.on('error', (err: Error) => {
    if (err.message !== lastError) log(`redis ${url}: ${err.message} (runs handed to workers wait until it is back)`);
    lastError = err.message;
  });
  connection.on('ready', () => (lastError = ''));
  const queue = new Queue<RemoteJobData>(QUEUE_NAME, { connection });
  const readers = new Set<Redis>();
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const launcher: EngineLauncher = (job, onMessage, onExit) => {
    if (job.store) return local(job, onMessage, onExit);
    const jobId = `${job.runId}-${randomBytes(4).toString('hex')}`;
    const reader = connection.duplicate();
    readers.add(reader);
    let finished = false;
    let token: string | null = null;
    const finish = (code: number | null, signal: NodeJS.Signals | null, reason?: string) => {
      if (finished) return;
      finished = true;
      clearInterval(alive);
      readers.delete(reader);
      reader.disconnect();
      void connection.del(eventsKey(jobId), cancelKey(jobId), hostAliveKey(jobId)).catch(() => {});
      onExit(code, signal, reason);
    };
    // Only the latest worker to take the job is listened to (see WireItem).
    const take = (item: WireItem) => {
      if (item.kind === 'begin') token = item.token;
      else if (item.token !== token) return;
      else if (item.kind === 'message') onMessage(item.message);
      else finish(item.code, item.signal);
    };
    const keepAlive = () => connection.set(hostAliveKey(jobId), '1', 'PX', ALIVE_MS).catch(() => {});
    const alive = setInterval(keepAlive, ALIVE_MS / 3);
    void keepAlive()
      .then(() => queue.add('run', { job: encode(job).toString('base64') }, { jobId, removeOnComplete: true, removeOnFail: true }))
      .catch((err: Error) => finish(null, null, `the run could not be handed to the workers on ${url}: ${err.message}`));
    void (async () => {
      let polls = 0;
      while (!finished) {
        const popped = await reader.blpopBuffer(eventsKey(jobId), 1);
        if (popped) take(decode<WireItem>(popped[1]));
        else if (++polls % STATE_CHECK_EVERY === 0) {
          // A job that stalled on more workers than BullMQ allows is failed there: no worker will say so.
          const state = await queue.getJobState(jobId);
          if (state !== 'failed' && state !== 'unknown') continue;
          // What the last worker pushed before the job ended is read first (its result, perhaps).
          for (let item = await reader.lpopBuffer(eventsKey(jobId)); item && !finished; item = await reader.lpopBuffer(eventsKey(jobId)))
            take(decode<WireItem>(item));
          finish(
            null,
            null,
            `the run's job was lost on Redis (${state === 'failed' ? 'it stalled on more workers than allowed' : 'it is gone from the queue'})`,
          );
        }
      }
    })().catch((err: Error) => finish(null, null, `the connection to ${url} failed while the run trained: ${err.message}`));
    return {
      kill: () => {
        if (finished) return;
        track(
          connection
            .set(cancelKey(jobId), '1', 'PX', 3_600_000)
            // A job no worker has taken yet is simply removed; one in training is stopped by its worker.
            .then(() => queue.remove(jobId))
            .then((removed) => removed && finish(null, 'SIGTERM'))
            .catch(() => {}),
        );
      },
      // The worker releases its own engine after the result and reports the end with its 'exit' item.
      release: () => {},
    };
  };
  return {
    launcher,
    close: async () => {
      // The cancel keys of the runs just stopped reach Redis before the connection goes.
      await Promise.all(pending);
      readers.forEach((r) => r.disconnect());
      await queue.close();
      connection.disconnect();
    },
  };
}
