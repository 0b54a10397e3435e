import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineLauncher } from './engine-launcher';

/** The built engine entry next to the built host (out/main/engine.js). */
export function defaultEnginePath(): string {
  return join(__dirname, 'engine.js');
}

/** Launches the engine with child_process.fork (browser and CLI mode). */
export function forkLauncher(enginePath = defaultEnginePath()): EngineLauncher {
  if (!existsSync(enginePath)) throw new Error(`Engine not built: ${enginePath} is missing. Run \`npm run build\`.`);
  return (job, onMessage, onExit) => {
    // The engine's own output goes to our stderr so that `--json` stdout stays clean.
    // Detached (its own process group): Ctrl+C in the terminal reaches the host, which decides what happens to its runs,
    // not the engines directly. An engine still ends with its host: it exits when the IPC channel closes.
    const child = fork(enginePath, [], { serialization: 'advanced', stdio: ['ignore', 2, 2, 'ipc'], detached: true });
    child.on('message', (m) => onMessage(m as Parameters<typeof onMessage>[0]));
    // 'close' comes after the IPC channel is drained, so no message arrives after it.
    child.on('close', (code, signal) => onExit(code, signal));
    child.on('error', () => {});
    child.send(job);
    return { kill: () => void child.kill('SIGKILL') };
  };
}
