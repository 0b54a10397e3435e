import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The app's name, which is also the data folder's name. */
export const APP_NAME = 'RetainLab';

/** Electron's userData folder for this app, computed without Electron so browser mode and CLI share the app's store. */
export function defaultDataDir(): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

/** The data directory: `--data-dir <dir>` (or `--data-dir=<dir>`), else RETAINLAB_DATA_DIR, else the default. */
export function resolveDataDir(argv: string[], fallback = defaultDataDir()): string {
  const i = argv.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
  if (i >= 0) {
    const value = argv[i].includes('=') ? argv[i].slice('--data-dir='.length) : argv[i + 1];
    if (!value) throw new Error('--data-dir needs a folder, e.g. --data-dir ./my-store');
    return resolve(value);
  }
  return process.env.RETAINLAB_DATA_DIR ? resolve(process.env.RETAINLAB_DATA_DIR) : fallback;
}
