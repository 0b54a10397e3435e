#!/usr/bin/env node
// Measures what the engine pool gains: one study of 12 MLP fine-tuning runs (4 methods × 3 seeds on
// the built-in digits, wasm) run by `retainlab run` with --parallel 1 and with --parallel 2, on copies
// of one store whose base model is already pretrained (so only the parallel part is timed). Rounds
// alternate which goes first; the speed-up is the median of the per-round ratios, with their spread.
// Each round also measures the machine's own ceiling: the same wasm matrix multiplications in one
// process, then in two processes at once (two cores of a VM may not give two cores' work). Prints a
// JSON report; nothing is asserted. Needs `npm run build`.
// The study uses a `fraction` of the digits: 0.5 as the example studies do (runs of 1.5–2 s here);
// 0.15 gives runs of about 0.6 s, where starting the CLI and each engine's first run weigh most.
// Usage: node scripts/measure-parallel.js [rounds=5] [engines=2] [fraction=0.5] (the bench's rule: at least 5 rounds)
const { spawn, spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { availableParallelism, loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');

const rounds = Number(process.argv[2] ?? 5);
const engines = Number(process.argv[3] ?? 2);
const fraction = Number(process.argv[4] ?? 0.5);
const BIN = join(__dirname, '..', 'bin', 'retainlab.js');
const dir = mkdtempSync(join(tmpdir(), 'retainlab-parallel-'));

const common = { data: { useFraction: fraction }, baseModel: { recipe: 'mlp', pretrain: { epochs: 2 } }, backend: 'wasm' };
const warm = { ...common, name: 'warm-up', methods: [{ id: 'vanilla' }], budget: { epochs: 1, evalsPerEpoch: 1, seeds: [99] } };
const study = {
  ...common,
  name: 'twelve runs',
  methods: [{ id: 'vanilla' }, { id: 'l2-sp' }, { id: 'ewc' }, { id: 'rehearsal' }],
  budget: { epochs: 3, evalsPerEpoch: 2, seeds: [0, 1, 2] },
};
writeFileSync(join(dir, 'warm.json'), JSON.stringify(warm));
writeFileSync(join(dir, 'study.json'), JSON.stringify(study));

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
    const speedUp = seconds[1] / seconds[engines];
    results.push({ round: r + 1, order, oneEngine: seconds[1], engines: seconds[engines], speedUp, machine, shareOfCeiling: speedUp / machine.speedUp });
    process.stderr.write(
      `round ${r + 1}: 1 engine ${seconds[1].toFixed(1)} s, ${engines} engines ${seconds[engines].toFixed(1)} s (×${speedUp.toFixed(2)}); machine ceiling ×${machine.speedUp.toFixed(2)}\n`,
    );
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        what: `wall time of retainlab run on a study of 12 MLP fine-tuning runs (base model already stored), --parallel 1 vs --parallel ${engines}`,
        useFraction: fraction,
        secondsPerRunWithOneEngine: stats(runSeconds),
        cores: availableParallelism(),
        loadBefore,
        loadAfter: loadavg(),
        rounds: results,
        speedUp: stats(results.map((x) => x.speedUp)),
        machineCeiling: stats(results.map((x) => x.machine.speedUp)),
        shareOfCeiling: stats(results.map((x) => x.shareOfCeiling)),
        target: 1.8,
        meetsTargetAtWorstRound: Math.min(...results.map((x) => x.speedUp)) >= 1.8,
      },
      null,
      2,
    )}\n`,
  );
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
})();
