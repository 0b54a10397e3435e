import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EngineJob, ResumePoint } from '../engine/protocol';
import type { EngineHandle, EngineLauncher } from '../services/engine-launcher';
import { cancelKey, decode, encode, eventsKey, hostAliveKey, QUEUE_NAME, type RemoteJobData, type WireItem } from './wire';
import { redisModules } from './redis-modules';

/** How a worker takes jobs. */
export interface WorkerOptions {
  url: string;
  /** Jobs trained at once, one engine process each. */
  concurrency: number;
  /** How long a job stays this worker's without a lock renewal: a worker that died loses its jobs after it. */
  lockMs: number;
  /** Starts the engine processes (the same engine as a host's). */
  launch: EngineLauncher;
  log: (line: string) => void;
}

const CHECK_MS = 500;
const EVENTS_TTL_S = 86_400;

/**
 * `retainlab worker`: takes runs from the BullMQ queue on Redis, trains each in an engine process of its own (kept for the next run),
 * and streams every engine message back to the host that enqueued it. The run's latest resume point is
 * also kept in the job, so that when this worker dies, BullMQ's stalled-job check hands the job to
 * another worker, which resumes from it.
 */
export function startWorker(o: WorkerOptions): { name: string; close(): Promise<void> } {
  const name = `${hostname()}:${process.pid}`;
  const { Worker, Redis } = redisModules();
  const connection = new Redis(o.url, { maxRetriesPerRequest: null });
  const pusher = connection.duplicate();
  const engines = new Map<string, EngineHandle>();
  const push = (jobId: string, item: WireItem) => pusher.multi().rpush(eventsKey(jobId), encode(item)).expire(eventsKey(jobId), EVENTS_TTL_S).exec();
  const worker = new Worker<RemoteJobData>(
    QUEUE_NAME,
    async (job) => {
      const jobId = job.id!;
      const token = randomBytes(6).toString('hex');
      const engineJob = decode<EngineJob>(Buffer.from(job.data.job, 'base64'));
      if (job.data.resume) engineJob.resume = decode<ResumePoint>(Buffer.from(job.data.resume, 'base64'));
      const from = engineJob.resume ? `resuming from step ${engineJob.resume.step}` : 'from the beginning';
      o.log(`run ${engineJob.runId}: ${from}`);
      await push(jobId, { token, kind: 'begin', worker: name });
      await push(jobId, { token, kind: 'message', message: { type: 'log', message: `trained by worker ${name}, ${from}`, runId: engineJob.runId, seq: -1 } });
      await new Promise<void>((resolve) => {
        let ended = false;
        // Messages go out in order; a resume point is stored in the job before the host hears of it, so
        // that the worker taking over never resumes from a point older than the one the host keeps.
        let sent: Promise<unknown> = Promise.resolve();
        const send = (item: WireItem) => (sent = sent.then(() => push(jobId, item)).catch((err: Error) => o.log(`run ${engineJob.runId}: ${err.message}`)));
        const handle = o.launch(
          engineJob,
          (m) => {
            if (m.type === 'resume-point') sent = sent.then(() => job.updateData({ ...job.data, resume: encode(m.point).toString('base64') })).catch(() => {});
            send({ token, kind: 'message', message: m });
            if (m.type === 'result' || m.type === 'error') {
              ended = true;
              handle.release();
            }
          },
          (code, signal) => {
            clearInterval(check);
            engines.delete(jobId);
            o.log(`run ${engineJob.runId}: ${ended ? 'done' : `engine ended (${signal ?? `exit code ${code}`})`}`);
            void send({ token, kind: 'exit', code: ended ? 0 : code, signal: ended ? null : signal }).finally(resolve);
          },
        );
        engines.set(jobId, handle);
        // Stop when the host cancels the run or is gone (nobody would store what this trains).
        const check = setInterval(() => {
          void Promise.all([pusher.exists(cancelKey(jobId)), pusher.exists(hostAliveKey(jobId))])
            .then(([cancelled, alive]) => {
              if (cancelled || !alive) handle.kill();
            })
            .catch(() => {});
        }, CHECK_MS);
      });
    },
    { connection, concurrency: o.concurrency, lockDuration: o.lockMs, stalledInterval: o.lockMs, maxStalledCount: 10 },
  );
  worker.on('error', (err) => o.log(`worker: ${err.message}`));
  // A job whose lock could not be renewed may already train on another worker: stop ours.
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const id of jobIds) engines.get(id)?.kill();
  });
  return {
    name,
    close: async () => {
      // The engines stop now; their hosts resume the runs from their last resume points.
      engines.forEach((handle) => handle.kill());
      await worker.close();
      pusher.disconnect();
      connection.disconnect();
    },
  };
}
