#!/usr/bin/env node
// Measures a large CSV import: writes a 60,000 × 785 CSV (label + 784 pixel columns, like the
// MNIST CSVs researchers download) to a temp folder, imports it with `retainlab datasets import`
// in a child process and prints wall time, peak RSS and file size as JSON. With --study it then
// runs a study on the imported table (an MLP pretrained for one epoch, vanilla fine-tuning for one
// epoch on the same table) with `retainlab run` and adds its wall time and each engine process's
// peak RSS (from the run logs). Numbers are reported, never asserted.
// Usage: node scripts/measure-csv-import.js [rows] [--study]
const { spawnSync } = require('node:child_process');
const { mkdtempSync, openSync, writeSync, closeSync, statSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const args = process.argv.slice(2);
const withStudy = args.includes('--study');
const rows = Number(args.find((a) => a !== '--study') ?? 60_000);
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
const child = spawnSync(
  process.execPath,
  ['--require', reporter, join(__dirname, '..', 'bin', 'retainlab.js'), 'datasets', 'import', csv, '--json', '--data-dir', join(dir, 'store')],
  {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  },
);
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
if (withStudy && child.status === 0) report.study = measureStudy(JSON.parse(child.stdout).id);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
rmSync(dir, { recursive: true, force: true });
process.exit(child.status === 0 && (!report.study || report.study.exitCode === 0) ? 0 : 1);

/** Runs a one-epoch study on the imported table and reads each engine's peak RSS from the run logs. */
function measureStudy(datasetId) {
  const store = join(dir, 'store');
  const file = join(dir, 'study.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'large table',
      baseModel: { recipe: 'mlp', pretrain: { epochs: 1, batchSize: 128 } },
      data: { source: 'library', pretrain: datasetId },
      target: { task: 'dataset', dataset: datasetId },
      methods: [{ id: 'vanilla' }],
      budget: { epochs: 1, batchSize: 128, evalsPerEpoch: 1 },
    }),
  );
  const begun = Date.now();
  const run = spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'retainlab.js'), 'run', file, '--json', '--data-dir', store], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const Database = require('better-sqlite3');
  const db = new Database(join(store, 'retainlab.sqlite'), { readonly: true });
  const peaks = db
    .prepare("SELECT r.kind, l.message FROM run_logs l JOIN runs r ON r.id = l.run_id WHERE l.message LIKE 'peak resident memory%' ORDER BY r.created_at")
    .all();
  db.close();
  return {
    seconds: (Date.now() - begun) / 1000,
    engines: peaks.map((p) => ({ kind: p.kind, peakRssMiB: Number(/(\d+) MiB/.exec(p.message)[1]) })),
    runs: run.status === 0 ? JSON.parse(run.stdout).runs.map((r) => ({ kind: r.kind, status: r.status, backend: r.backend })) : null,
    exitCode: run.status,
    ...(run.status !== 0 ? { stderr: run.stderr.slice(-2000) } : {}),
  };
}
