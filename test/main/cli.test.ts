import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDataDir, tinyStudy } from './helpers';

const BIN = join(__dirname, '..', '..', 'bin', 'retainlab.js');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function cli(args: string[]) {
  const data = tempDataDir();
  cleanups.push(data.remove);
  const result = spawnSync(process.execPath, [BIN, ...args, '--data-dir', data.dir], { encoding: 'utf8', timeout: 120_000 });
  return { ...result, dir: data.dir };
}

describe('the retainlab command line', () => {
  it('runs a study from a config file and prints the final per-run metrics as JSON on stdout, progress on stderr', () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const file = join(data.dir, 'study.json');
    writeFileSync(file, JSON.stringify(tinyStudy({ methods: [{ id: 'vanilla' }] })));
    const out = cli(['run', file, '--json']);
    expect(out.status, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report.runs.map((r: { kind: string; status: string }) => [r.kind, r.status])).toEqual([
      ['pretrain', 'completed'],
      ['finetune', 'completed'],
    ]);
    expect(report.runs[1].headline.aPre).toBeGreaterThan(0);
    expect(out.stderr).toMatch(/completed on wasm/);
  });

  it('runs a suite of studies one after another and prints each with its verdict: the claim, Δ against the reference and the mix-cd headroom', () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const file = join(data.dir, 'suite.json');
    const claim = 'Claim: mix-cd keeps more than random rehearsal.';
    const rehearsing = tinyStudy({
      name: 'headroom',
      description: claim,
      reference: { id: 'rehearsal' },
      methods: [{ id: 'rehearsal' }, { id: 'mixcd', params: { variant: 'oracle' } }, { id: 'mixcd' }],
      budget: { epochs: 1, evalsPerEpoch: 1, seeds: [0, 1] },
    });
    writeFileSync(file, JSON.stringify({ name: 'two studies', studies: [tinyStudy({ name: 'plain' }), rehearsing] }));
    const out = cli(['run', file, '--json']);
    expect(out.status, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report.suite).toBe('two studies');
    expect(report.studies).toHaveLength(2);
    const verdict = report.studies[1].verdict;
    expect(verdict.description).toBe(claim);
    expect(verdict.reference).toBe('rehearsal');
    expect(verdict.arms.map((a: { label: string; seeds: number }) => a.seeds)).toEqual([2, 2, 2]);
    expect(verdict.arms[0].vsReference).toBeNull();
    expect(verdict.arms[1].vsReference.seeds).toBe(2);
    expect(verdict.headroom).toHaveLength(1);
    expect(verdict.headroom[0]).toMatchObject({ seeds: 2, memoryBatch: 16 });
    expect(verdict.headroom[0].targetCost.interval).toHaveLength(2);
    expect(out.stderr).toMatch(/study 2 of 2/);
  });

  it('checks every study of a suite before training any, naming the study and field', () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const file = join(data.dir, 'suite.json');
    writeFileSync(file, JSON.stringify({ name: 'bad second', studies: [tinyStudy(), tinyStudy({ reference: { id: 'ewc' } })] }));
    const out = cli(['run', file]);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/studies\.1\.reference\.id: the reference 'ewc' is none of the study's methods \(vanilla\)/);
    expect(out.stderr).not.toMatch(/running/);
  });

  it('rejects a bad config with exit code 2 and messages that name each field', () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const file = join(data.dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ methods: [{ id: 'vanilla' }], budget: { epochs: 'many' }, target: { task: 'upside-down' } }));
    const out = cli(['run', file]);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/budget\.epochs:/);
    expect(out.stderr).toMatch(/target\.task:/);
    expect(out.stdout).toBe('');
  });

  it('says why a backend that is not installed cannot be used', () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const file = join(data.dir, 'study.json');
    writeFileSync(file, JSON.stringify(tinyStudy({ backend: 'tfjs-node' })));
    const out = cli(['run', file, '--json']);
    expect(out.status).toBe(1);
    const report = JSON.parse(out.stdout);
    expect(report.runs[0].error).toMatch(
      /Backend 'tfjs-node' is not available: @tensorflow\/tfjs-node is (not installed|installed without its native library)/,
    );
  });

  it('lists every method with its parameter schema', () => {
    const out = cli(['methods', '--json']);
    expect(out.status).toBe(0);
    const methods = JSON.parse(out.stdout) as { id: string; params: { properties: Record<string, { default: unknown; label: string }> } }[];
    expect(methods.map((m) => m.id)).toContain('wiseft');
    const wiseft = methods.find((m) => m.id === 'wiseft')!.params.properties;
    expect(Object.keys(wiseft)).toEqual(['alphas', 'weighting', 'fisherSamples', 'reportAlpha']);
    expect(wiseft.reportAlpha).toMatchObject({ default: 0.5, minimum: 0, maximum: 1, label: 'Report α' });
    expect(methods.map((m) => m.id)).toEqual(
      expect.arrayContaining(['vanilla', 'linear-probe', 'l2-sp', 'ewc', 'recadam', 'rehearsal', 'mixcd', 'lora', 'lwf']),
    );
  });

  it('refuses an unknown or misspelt flag with exit code 2, naming it and the valid ones, before doing anything', () => {
    const methods = cli(['methods', '--jsn']);
    expect(methods.status).toBe(2);
    expect(methods.stderr).toMatch(/methods: unknown option --jsn \(did you mean --json\?\); methods takes --json, --data-dir, --help/);
    expect(methods.stdout).toBe('');
    const quickstart = cli(['quickstart', '--seeds', '3']);
    expect(quickstart.status).toBe(2);
    expect(quickstart.stderr).toMatch(
      /quickstart: unknown option --seeds; quickstart takes --text, --json, --backend, --parallel, --checkpoint-seconds, --lease-seconds, --redis, --data-dir, --help/,
    );
    // No study ran: the store was never opened.
    expect(readdirSync(quickstart.dir)).toEqual([]);
  });

  it('refuses a flag missing its value and an argument where none is taken', () => {
    const bare = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
    const port = bare(['serve', '--port']);
    expect(port.status).toBe(2);
    expect(port.stderr).toMatch(/serve: --port needs a value \(N\)/);
    const extra = bare(['methods', 'lora']);
    expect(extra.status).toBe(2);
    expect(extra.stderr).toMatch(/methods takes no arguments, got 'lora'/);
  });

  it('accepts every declared flag form and prints help made from the declarations', () => {
    const list = cli(['datasets', 'list', '--json']);
    expect(list.status, list.stderr).toBe(0);
    const builtins = JSON.parse(list.stdout) as { id: string }[];
    expect(builtins.length).toBeGreaterThan(0);
    const data = tempDataDir();
    cleanups.push(data.remove);
    const inline = spawnSync(process.execPath, [BIN, 'datasets', 'list', `--data-dir=${data.dir}`, '--json'], { encoding: 'utf8', timeout: 30_000 });
    expect(inline.status, inline.stderr).toBe(0);
    expect(JSON.parse(inline.stdout)).toEqual(builtins);
    expect(readdirSync(data.dir)).toContain('retainlab.sqlite');
    const help = cli(['datasets', 'import', '--help']);
    expect(help.status).toBe(0);
    for (const flag of [
      '--name N',
      '--label-column C',
      '--text-column C',
      '--table-kind tabular|text',
      '--image-size HxW',
      '--colour keep|grey|rgb',
      '--eval-fraction F',
      '--split-seed S',
      '--json',
      '--data-dir DIR',
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });

  it('runs the same study again as a continuation, and lists, shows, retries, cancels and deletes runs and pauses the queue from any process', () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const file = join(data.dir, 'study.json');
    writeFileSync(file, JSON.stringify(tinyStudy({ methods: [{ id: 'vanilla' }] })));
    const store = ['--data-dir', data.dir];
    const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args, ...store], { encoding: 'utf8', timeout: 120_000 });
    const first = run(['run', file, '--json']);
    expect(first.status, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as { studyId: string; runs: { id: string; trainedHere: boolean }[] };
    expect(report.runs.every((r) => r.trainedHere)).toBe(true);
    // The same file again: nothing is repeated, the stored study is reported.
    const again = run(['run', file, '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/continuing study .* \(the store has this study; --new starts another\)/);
    expect(JSON.parse(again.stdout)).toMatchObject({ studyId: report.studyId, runs: report.runs.map((r) => ({ id: r.id, trainedHere: false })) });
    const [pretrain, vanilla] = report.runs.map((r) => r.id);
    const list = run(['runs', 'list', '--study', report.studyId, '--json']);
    expect(JSON.parse(list.stdout).map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      [pretrain, 'completed'],
      [vanilla, 'completed'],
    ]);
    expect(run(['runs', 'list', '--status', 'done']).stderr).toMatch(/--status must be one of queued, running, completed, cancelled, failed, got 'done'/);
    expect(run(['runs', 'show', vanilla]).stdout).toMatch(/backend: wasm/);
    expect(run(['runs', 'retry', vanilla]).stderr).toMatch(/completed: a retry would only repeat it/);
    expect(run(['runs', 'delete', pretrain]).stderr).toMatch(/other run\(s\) start from .*: delete those first/);
    expect(run(['runs', 'cancel', vanilla]).stdout).toMatch(/not cancelled, it is completed/);
    expect(run(['queue', 'pause']).status).toBe(0);
    expect(JSON.parse(run(['queue', 'status', '--json']).stdout)).toEqual({
      paused: true,
      counts: { queued: 0, running: 0, completed: 2, cancelled: 0, failed: 0 },
    });
    run(['queue', 'resume']);
    expect(run(['runs', 'delete', vanilla]).stdout).toBe(`deleted run ${vanilla}\n`);
    expect(JSON.parse(run(['runs', 'list', '--json']).stdout)).toHaveLength(1);
  });

  it("started directly by another Node (the system one), hands over to the project's own Node, or says in one line which it needs", () => {
    const system = ['/usr/bin/node', '/usr/local/bin/node'].find(
      (p) => existsSync(p) && spawnSync(p, ['--version'], { encoding: 'utf8' }).stdout.trim() !== process.version,
    );
    if (!system) return; // no other Node on this machine
    const data = tempDataDir();
    cleanups.push(data.remove);
    const direct = spawnSync(system, [BIN, 'datasets', 'list', '--json', '--data-dir', data.dir], { encoding: 'utf8', timeout: 60_000 });
    expect(direct.status, direct.stderr).toBe(0);
    expect(JSON.parse(direct.stdout).length).toBeGreaterThan(0);
    // Where the project's Node cannot take over: one line, exit 2, no crash.
    const refused = spawnSync(system, [BIN, 'datasets', 'list', '--data-dir', data.dir], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, RETAINLAB_NODE_HANDOVER: '1' },
    });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      /^retainlab: needs Node\.js 24 \(this is v\d+\.\d+\.\d+\): run `npm ci` in the RetainLab folder, which installs it, then `npx retainlab`\n$/,
    );
  });
});
