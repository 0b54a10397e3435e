#!/usr/bin/env node
// Measures what the engine pool gains: one study of 12 MLP fine-tuning runs (4 methods × 3 seeds on
// the built-in digits, wasm) run by `retainlab run` with --parallel 1 and with --parallel 2, on copies
// of one store whose base model is already pretrained (so only the parallel part is timed). Rounds
// alternate which goes first; the speed-up is the median of the per-round ratios, with their spread.
// Each round also measures two ceilings of this machine:
// - matmuls: the same wasm matrix multiplications in one process, then in two processes at once (two
//   cores of a VM may not give two cores' work);
// - the study itself split in two: its first two methods and its last two run by two independent
//   `retainlab run --parallel 1` processes at once, each on its own store copy. No engine pool can beat
//   that (nothing shared, no coordination); where the pool reaches it, what is left is the machine's.
// Prints a JSON report; nothing is asserted. Needs `npm run build`.
// The study uses a `fraction` of the digits and `epochs` of fine-tuning: 0.5 and 3 give runs of about
// 0.8 s here, where starting the CLI and each engine's first run weigh most; 1.0 and 5 give runs of about 2 s.
// Usage: node scripts/measure-parallel.js [rounds=5] [engines=2] [fraction=0.5] [epochs=3] (the bench's rule: at least 5 rounds)
const { spawn, spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { availableParallelism, loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');

const rounds = Number(process.argv[2] ?? 5);
const engines = Number(process.argv[3] ?? 2);
const fraction = Number(process.argv[4] ?? 0.5);
const epochs = Number(process.argv[5] ?? 3);
const BIN = join(__dirname, '..', 'bin', 'retainlab.js');
const dir = mkdtempSync(join(tmpdir(), 'retainlab-parallel-'));

const common = { data: { useFraction: fraction }, baseModel: { recipe: 'mlp', pretrain: { epochs: 2 } }, backend: 'wasm' };
const warm = { ...common, name: 'warm-up', methods: [{ id: 'vanilla' }], budget: { epochs: 1, evalsPerEpoch: 1, seeds: [99] } };
const study = {
  ...common,
  name: 'twelve runs',
  methods: [{ id: 'vanilla' }, { id: 'l2-sp' }, { id: 'ewc' }, { id: 'rehearsal' }],
  budget: { epochs, evalsPerEpoch: 2, seeds: [0, 1, 2] },
};
writeFileSync(join(dir, 'warm.json'), JSON.stringify(warm));
writeFileSync(join(dir, 'study.json'), JSON.stringify(study));
// The study's halves, for the split ceiling: six runs each.
writeFileSync(join(dir, 'first-half.json'), JSON.stringify({ ...study, methods: study.methods.slice(0, 2) }));
writeFileSync(join(dir, 'second-half.json'), JSON.stringify({ ...study, methods: study.methods.slice(2) }));

function run(args) {
  const out = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (out.status !== 0) throw new Error(`retainlab ${args.join(' ')} failed (${out.status}):\n${out.stderr}`);
  return out;
}

const template = join(dir, 'template');
run(['run', join(dir, 'warm.json'), '--json', '--data-dir', template]);

function timed(parallel, round) {
  const store = join(dir, `round-${round}-p${parallel}`);
  cpSync(template, store, { recursive: true });
  const started = process.hrtime.bigint();
  const out = run(['run', join(dir, 'study.json'), '--new', '--json', '--parallel', String(parallel), '--data-dir', store]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report = JSON.parse(out.stdout);
  if (report.pretrainedNow || report.runs.length !== 12 || report.runs.some((r) => r.status !== 'completed'))
    throw new Error('the study did not run 12 completed fine-tunes');
  const listed = JSON.parse(run(['runs', 'list', '--json', '--data-dir', store]).stdout).filter((r) => r.studyName === study.name);
  const runSeconds = listed.map((r) => (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000);
  rmSync(store, { recursive: true, force: true });
  return { seconds, runSeconds };
}

// Runs one half of the study with `retainlab run --parallel 1` on a store copy of its own; resolves when it has finished its six runs.
function half(file, name) {
  const store = join(dir, name);
  cpSync(template, store, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', join(dir, file), '--new', '--json', '--parallel', '1', '--data-dir', store], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      rmSync(store, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`retainlab run ${file} failed (${code}):\n${err}`));
      const report = JSON.parse(out);
      if (report.runs.length !== 6 || report.runs.some((r) => r.status !== 'completed')) return reject(new Error(`${file} did not run 6 completed fine-tunes`));
      resolve();
    });
  });
}

// The split ceiling: both halves of the study at once in two independent processes.
async function split(round) {
  const started = process.hrtime.bigint();
  await Promise.all([half('first-half.json', `round-${round}-first`), half('second-half.json', `round-${round}-second`)]);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

// One engine's kind of work (784×256 by 256×256 products on the wasm backend, single-threaded), in a child process.
const MATMULS = `
const tf = require('@tensorflow/tfjs-core'); require('@tensorflow/tfjs-backend-wasm');
tf.setBackend('wasm').then(() => {
  const a = tf.randomNormal([256, 784]), w = tf.randomNormal([784, 256]);
  // The block returns nothing: tidy walks a returned typed array element by element, which timed JavaScript, not matmuls.
  for (let i = 0; i < 300; i++) tf.tidy(() => { tf.matMul(a, w).dataSync(); });
});`;
const matmuls = () =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', MATMULS], { cwd: join(__dirname, '..'), stdio: 'ignore' });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`the matmul probe exited with ${code}`))));
  });
async function ceiling(round) {
  const timed = async (work) => {
    const started = process.hrtime.bigint();
    await work();
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  // Alternating which goes first, like the study itself.
  const one = round % 2 === 0 ? await timed(matmuls) : null;
  const two = await timed(() => Promise.all([matmuls(), matmuls()]));
  const oneProcess = one ?? (await timed(matmuls));
  return { oneProcess, twoProcesses: two, speedUp: (2 * oneProcess) / two };
}

const loadBefore = loadavg();
const results = [];
const stats = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
};
(async () => {
  // The first probe process pays for compiling the wasm module; it is not timed.
  await matmuls();
  const runSeconds = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [1, engines] : [engines, 1];
    const timings = Object.fromEntries(order.map((p) => [p, timed(p, r)]));
    runSeconds.push(...timings[1].runSeconds);
    const seconds = { 1: timings[1].seconds, [engines]: timings[engines].seconds };
    const machine = await ceiling(r);
    const splitSeconds = engines === 2 ? await split(r) : null;
    const speedUp = seconds[1] / seconds[engines];
    const splitSpeedUp = splitSeconds === null ? null : seconds[1] / splitSeconds;
    results.push({
      round: r + 1,
      order,
      oneEngine: seconds[1],
      engines: seconds[engines],
      speedUp,
      machine,
      shareOfCeiling: speedUp / machine.speedUp,
      split: splitSeconds === null ? null : { seconds: splitSeconds, speedUp: splitSpeedUp, poolShare: speedUp / splitSpeedUp },
    });
    const splitLine =
      splitSeconds === null ? '' : `; the study split over two independent processes ${splitSeconds.toFixed(1)} s (×${splitSpeedUp.toFixed(2)})`;
    process.stderr.write(
      `round ${r + 1}: 1 engine ${seconds[1].toFixed(1)} s, ${engines} engines ${seconds[engines].toFixed(1)} s (×${speedUp.toFixed(2)}); matmul ceiling ×${machine.speedUp.toFixed(2)}${splitLine}\n`,
    );
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        what: `wall time of retainlab run on a study of 12 MLP fine-tuning runs (base model already stored), --parallel 1 vs --parallel ${engines}`,
        useFraction: fraction,
        epochs,
        secondsPerRunWithOneEngine: stats(runSeconds),
        cores: availableParallelism(),
        loadBefore,
        loadAfter: loadavg(),
        rounds: results,
        speedUp: stats(results.map((x) => x.speedUp)),
        machineCeiling: stats(results.map((x) => x.machine.speedUp)),
        shareOfCeiling: stats(results.map((x) => x.shareOfCeiling)),
        // Only for 2 engines: the same twelve runs as two halves in two independent processes, and the pool's speed-up as a share of that.
        splitCeiling: engines === 2 ? stats(results.map((x) => x.split.speedUp)) : null,
        poolShareOfSplit: engines === 2 ? stats(results.map((x) => x.split.poolShare)) : null,
        target: 1.8,
        meetsTargetAtWorstRound: Math.min(...results.map((x) => x.speedUp)) >= 1.8,
      },
      null,
      2,
    )}\n`,
  );
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
})();
