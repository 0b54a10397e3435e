#!/usr/bin/env node
// `npm start`: opens the desktop app; where Electron's binary cannot be obtained (no internet),
// says so in one line and starts the same workbench in browser mode instead.
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const args = process.argv.slice(2);

if (!existsSync(join(root, 'out', 'main', 'index.js'))) {
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Resolving 'electron' downloads its binary on first use; do it in a child so its noise stays out of sight.
const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: root, encoding: 'utf8', timeout: 300_000 });
const electronPath = probe.status === 0 ? probe.stdout.trim() : null;

const child =
  electronPath && existsSync(electronPath)
    ? spawn(electronPath, [root, ...args], { stdio: 'inherit' })
    : (console.log("Electron's binary could not be obtained (no internet access?): starting RetainLab in browser mode instead."),
      spawn(process.execPath, [join(root, 'bin', 'retainlab.js'), 'serve', ...args], { stdio: 'inherit' }));
child.on('exit', (code) => process.exit(code ?? 0));
process.on('SIGINT', () => child.kill('SIGINT'));
