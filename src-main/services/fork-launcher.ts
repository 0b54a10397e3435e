import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineLauncher } from './engine-launcher';
import { ENGINE_IDLE_MS, reusingLauncher, type SpawnEngine } from './engine-pool';

/** The built engine entry next to the built host (out/main/engine.js). */
export function defaultEnginePath(): string {
  return join(__dirname, 'engine.js');
}

/** Launches engines with child_process.fork (browser and CLI mode), each kept for the next job while the host has one. */
export function forkLauncher(enginePath = defaultEnginePath(), idleMs = ENGINE_IDLE_MS): EngineLauncher {
  return reusingLauncher(forkEngine(enginePath), idleMs);
}

/** Starts one engine process with child_process.fork. */
export function forkEngine(enginePath = defaultEnginePath()): SpawnEngine {
  if (!existsSync(enginePath)) throw new Error(`Engine not built: ${enginePath} is missing. Run \`npm run build\`.`);
  return (onMessage, onExit) => {
    // The engine's own output goes to our stderr so that `--json` stdout stays clean.
    // Detached (its own process group): Ctrl+C in the terminal reaches the host, which decides what happens to its runs,
    // not the engines directly. An engine still ends with its host: it exits when the IPC channel closes.
    const child = fork(enginePath, [], { serialization: 'advanced', stdio: ['ignore', 2, 2, 'ipc'], detached: true });
    child.on('message', (m) => onMessage(m as Parameters<typeof onMessage>[0]));
    // 'close' comes after the IPC channel is drained, so no message arrives after it.
    child.on('close', (code, signal) => onExit(code, signal));
    // A job sent to a process that has just died: its 'close' reports the end.
    child.on('error', () => {});
    return {
      send: (job) => void child.send(job),
      kill: () => void child.kill('SIGKILL'),
      holdHost: (hold) => {
        if (hold) {
          child.ref();
          child.channel?.ref();
        } else {
          child.unref();
          child.channel?.unref();
        }
      },
    };
  };
}
