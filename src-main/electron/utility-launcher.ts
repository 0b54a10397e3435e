import { utilityProcess } from 'electron';
import type { EngineLauncher } from '../services/engine-launcher';
import { reusingLauncher } from '../services/engine-pool';
import type { EngineMessage } from '../engine/protocol';

/** Launches engines as Electron utilityProcesses (the app's engine host), each kept for the next job while the host has one. */
export function utilityLauncher(enginePath: string): EngineLauncher {
  return reusingLauncher((onMessage, onExit) => {
    const child = utilityProcess.fork(enginePath, [], { serviceName: 'RetainLab engine', stdio: 'inherit' });
    child.on('message', (m) => onMessage(m as EngineMessage));
    // Electron reports only an exit code for a utility process, never the signal.
    child.once('exit', (code) => onExit(code, null));
    return { send: (job) => child.postMessage(job), kill: () => void child.kill() };
  });
}
