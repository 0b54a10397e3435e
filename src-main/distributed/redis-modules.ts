import { createRequire } from 'node:module';
import type * as BullMq from 'bullmq';
import type * as IoRedis from 'ioredis';

/**
 * BullMQ and ioredis, loaded when a host or worker first uses Redis: most commands never do, and the
 * two take about 150 ms to load, which every `retainlab` command and every study's start would pay.
 */
export function redisModules(): { Queue: typeof BullMq.Queue; Worker: typeof BullMq.Worker; Redis: typeof IoRedis.Redis } {
  const load = createRequire(__filename);
  const { Queue, Worker } = load('bullmq') as typeof BullMq;
  const { Redis } = load('ioredis') as typeof IoRedis;
  return { Queue, Worker, Redis };
}
