#!/usr/bin/env node
// Measures a large CSV import: writes a 60,000 × 785 CSV (label + 784 pixel columns, like the
// MNIST CSVs researchers download) to a temp folder, imports it with `retainlab datasets import`
// in a child process and prints wall time, peak RSS and file size as JSON. Numbers are reported,
// never asserted. Usage: node scripts/measure-csv-import.js [rows]
const { spawnSync } = require('node:child_process');
const { mkdtempSync, openSync, writeSync, closeSync, statSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const rows = Number(process.argv[2] ?? 60_000);
const dir = mkdtempSync(join(tmpdir(), 'retainlab-csv-measure-'));
const csv = join(dir, 'big.csv');
const fd = openSync(csv, 'w');
writeSync(fd, `label,${Array.from({ length: 784 }, (_, i) => `pixel${i}`).join(',')}\n`);
let seed = 1;
const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
for (let r = 0; r < rows; r++) {
  const pixels = Array.from({ length: 784 }, () => (next() < 0.8 ? 0 : Math.floor(next() * 256)));
  writeSync(fd, `${r % 10},${pixels.join(',')}\n`);
}
closeSync(fd);

// The child reports its own peak resident set size when it exits.
const reporter = join(dir, 'report-rss.js');
writeFileSync(reporter, "process.on('exit', () => process.stderr.write(`MAXRSS_KB=${process.resourceUsage().maxRSS}\\n`));\n");
const started = Date.now();
const child = spawnSync(process.execPath, ['--require', reporter, join(__dirname, '..', 'bin', 'retainlab.js'), 'datasets', 'import', csv, '--json', '--data-dir', join(dir, 'store')], {
  encoding: 'utf8',
  maxBuffer: 1 << 26,
});
const seconds = (Date.now() - started) / 1000;
const maxRssKb = Number(/MAXRSS_KB=(\d+)/.exec(child.stderr)?.[1]);
const report = {
  rows,
  columns: 785,
  csvMiB: +(statSync(csv).size / 2 ** 20).toFixed(1),
  storeMiB: +(statSync(join(dir, 'store', 'retainlab.sqlite')).size / 2 ** 20).toFixed(1),
  seconds,
  peakRssMiB: +(maxRssKb / 1024).toFixed(0),
  exitCode: child.status,
  node: process.version,
};
if (child.status !== 0) report.stderr = child.stderr.slice(-2000);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
rmSync(dir, { recursive: true, force: true });
process.exit(child.status === 0 ? 0 : 1);
