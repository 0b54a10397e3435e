import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** The app's name, which is also the data folder's name. */
export const APP_NAME = 'RetainLab';

/** Electron's userData folder for this app, computed without Electron so browser mode and CLI share the app's store. */
export function defaultDataDir(): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

/** The data directory: a `--data-dir` value if one was given, else RETAINLAB_DATA_DIR, else the default. */
export function dataDirFrom(flag: string | undefined, fallback = defaultDataDir()): string {
  if (flag === '') throw new Error('--data-dir needs a folder, e.g. --data-dir ./my-store');
  if (flag !== undefined) return resolve(flag);
  return process.env.RETAINLAB_DATA_DIR ? resolve(process.env.RETAINLAB_DATA_DIR) : fallback;
}

/**
 * The desktop app's data directory from its arguments (`--data-dir <dir>` or `--data-dir=<dir>`).
 * Parsed leniently: Electron's argv also carries its own and Chromium's switches. The CLI parses
 * its arguments strictly itself and calls `dataDirFrom`.
 */
export function resolveDataDir(argv: string[], fallback = defaultDataDir()): string {
  const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' } }, strict: false, allowPositionals: true });
  const flag = values['data-dir'];
  // A --data-dir without a value parses as true: refused like an empty one.
  return dataDirFrom(typeof flag === 'string' ? flag : flag ? '' : undefined, fallback);
}
