import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './backend';
import { runFinetune } from './jobs/finetune';
import { runPretrain } from './jobs/pretrain';
import { jobBackend, type EngineEvent, type EngineJob, type EngineMessage } from './protocol';

// The training engine's process entry: Electron utilityProcess (process.parentPort) in the app,
// child_process.fork (process.send) in browser and CLI mode. It runs one job at a time; after a
// result the host may send the next one (services/engine-pool.ts), else it ends the process.
type ParentPort = { on(event: 'message', cb: (e: { data: unknown }) => void): void; postMessage(message: unknown): void };
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(message: EngineMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

async function run(job: EngineJob): Promise<void> {
  let seq = 0;
  const post1 = (event: EngineEvent) => post({ ...event, runId: job.runId, seq: seq++ } as EngineMessage);
  // The host ends this process once it has the result, so the result goes last: after the job
  // has disposed everything, the tensor-leak check and the memory report.
  const held: { result?: Extract<EngineEvent, { type: 'result' }> } = {};
  const emit = (event: EngineEvent) => {
    if (event.type === 'result') held.result = event;
    else post1(event);
  };
  try {
    const backend = await selectBackend(jobBackend(job));
    const resumedFrom = job.resume ? { step: job.resume.step, evalCount: job.resume.evalCount } : null;
    emit({ type: 'started', backend: backend.name, skipped: backend.skipped, resumedFrom });
    const before = tf.memory().numTensors;
    if (job.type === 'pretrain') await runPretrain(job, emit);
    else await runFinetune(job, emit);
    const leaked = tf.memory().numTensors - before;
    if (leaked > 0) {
      emit({ type: 'log', message: `warning: ${leaked} tensors were not disposed` });
      // They would pile up in a process kept for the next run.
      if (held.result) held.result.leakedTensors = leaked;
    }
    // Worth knowing for large datasets: the whole of them is held in this process while it trains.
    emit({ type: 'log', message: `peak resident memory of the engine process so far: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB` });
    if (held.result) post1(held.result);
  } catch (err) {
    const e = err as Error;
    post1({ type: 'error', message: e.message, stack: e.stack });
  }
  // No exit here: exiting could drop messages still queued on the channel (a checkpoint is
  // megabytes). The host ends the process, or sends the next job, once it has the 'result' or 'error'.
}

let busy = false;
function onJob(message: unknown): void {
  const job = message as EngineJob;
  // The host sends a job only to an engine that finished its last one; a second one at once is its bug, said rather than interleaved.
  if (busy) {
    post({ type: 'error', message: `this engine is still training another run; run ${job.runId} was not started`, runId: job.runId, seq: 0 });
    return;
  }
  busy = true;
  void run(job).finally(() => (busy = false));
}

if (parentPort) parentPort.on('message', (e) => onJob(e.data));
else {
  process.on('message', onJob);
  // If the host dies, do not train on for nobody.
  process.on('disconnect', () => process.exit(0));
}
