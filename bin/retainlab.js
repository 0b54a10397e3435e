#!/usr/bin/env node
// The `retainlab` command: runs the built CLI (out/main/cli.js, made by `npm run build`, which `npm ci` runs).
// The store's driver (better-sqlite3) is built for the project's own Node (the `node` dev dependency): started
// by another Node, this hands over to that one, or says in one line which Node it needs.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const wanted = require(join(root, 'package.json')).devDependencies.node;
const major = (version) => version.replace(/^v/, '').split('.')[0];
if (major(process.version) !== major(wanted)) {
  const own = join(root, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(own) && !process.env.RETAINLAB_NODE_HANDOVER) {
    const child = spawnSync(own, [__filename, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, RETAINLAB_NODE_HANDOVER: '1' } });
    if (child.signal) process.kill(process.pid, child.signal);
    process.exit(child.status ?? 1);
  }
  process.stderr.write(
    `retainlab: needs Node.js ${major(wanted)} (this is ${process.version}): run \`npm ci\` in the RetainLab folder, which installs it, then \`npx retainlab\`\n`,
  );
  process.exit(2);
}

const cli = join(root, 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('retainlab: not built yet: run `npm run build` in the RetainLab folder first.\n');
  process.exit(2);
}
require(cli);
