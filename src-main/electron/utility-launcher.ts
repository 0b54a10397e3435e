import { utilityProcess } from 'electron';
import type { EngineLauncher } from '../services/engine-launcher';
import type { EngineMessage } from '../engine/protocol';

/** Launches the engine as an Electron utilityProcess (the app's engine host). */
export function utilityLauncher(enginePath: string): EngineLauncher {
  return (job, onMessage, onExit) => {
    const child = utilityProcess.fork(enginePath, [], { serviceName: 'RetainLab engine', stdio: 'inherit' });
    child.on('message', (m) => onMessage(m as EngineMessage));
    // Electron reports only an exit code for a utility process, never the signal.
    child.once('exit', (code) => onExit(code, null));
    child.postMessage(job);
    return { kill: () => void child.kill() };
  };
}
