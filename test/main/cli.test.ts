import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
    expect(report.runs[0].error).toMatch(/Backend 'tfjs-node' is not available: @tensorflow\/tfjs-node is (not installed|installed without its native library)/);
  });

  it('lists every method with its parameter schema', () => {
    const out = cli(['methods', '--json']);
    expect(out.status).toBe(0);
    const methods = JSON.parse(out.stdout) as { id: string; params: { key: string; default: unknown }[] }[];
    expect(methods.map((m) => m.id)).toContain('wiseft');
    expect(methods.find((m) => m.id === 'wiseft')!.params.map((p) => p.key)).toEqual(['alphas', 'weighting', 'fisherSamples', 'reportAlpha']);
    expect(methods.map((m) => m.id)).toEqual(expect.arrayContaining(['vanilla', 'linear-probe', 'l2-sp', 'ewc', 'recadam', 'rehearsal', 'mixcd', 'lora', 'lwf']));
  });
});
