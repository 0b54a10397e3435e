import { deserialize, serialize } from 'node:v8';
import type { EngineMessage } from '../engine/protocol';

// What a host and its workers exchange through Redis. The BullMQ job carries the engine job (and,
// once a worker has saved one, the run's latest resume point, so that the worker that takes over a
// stalled job resumes from it); the engine's messages come back on a Redis list per job, in order.
// Payloads are V8-serialised, as between a host and a local engine, so typed arrays travel as they are.

/** The BullMQ queue every RetainLab host and worker on one Redis shares. */
export const QUEUE_NAME = 'retainlab-runs';

/** The list a worker pushes a job's messages to; the host that enqueued the job reads it. */
export const eventsKey = (jobId: string) => `retainlab:events:${jobId}`;
/** Set by the host to stop a job (cancel, shutdown); the worker checks it while the job trains. */
export const cancelKey = (jobId: string) => `retainlab:cancel:${jobId}`;
/** Kept alive by the host while it waits for the job; a worker stops a job whose host went away. */
export const hostAliveKey = (jobId: string) => `retainlab:host-alive:${jobId}`;

/** The data of a BullMQ job: the engine job, and the latest resume point a worker saved (base64 of V8 serialisation). */
export interface RemoteJobData {
  job: string;
  resume?: string;
}

/**
 * One item on a job's list, tagged with the processing it comes from: a worker that takes a job says
 * so first ('begin', with a fresh token), then sends its engine's messages, then how its engine ended.
 * The host reads only the latest processing's items, so a worker that lost the job (its lock ran out
 * while it still trained) cannot write next to the one that took it over.
 */
export type WireItem = { token: string } & (
  { kind: 'begin'; worker: string } | { kind: 'message'; message: EngineMessage } | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
);

/** Serialises a value as the wire carries it. */
export function encode(value: unknown): Buffer {
  return serialize(value);
}

/** Reads a value written by encode. */
export function decode<T>(bytes: Buffer): T {
  return deserialize(bytes) as T;
}
