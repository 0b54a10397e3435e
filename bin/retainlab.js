#!/usr/bin/env node
// The `retainlab` command: runs the built CLI (out/main/cli.js, made by `npm run build`, which `npm ci` runs).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('retainlab: not built yet: run `npm run build` in the RetainLab folder first.\n');
  process.exit(2);
}
require(cli);
