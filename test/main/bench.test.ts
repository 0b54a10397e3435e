import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src-main/bench/report';
import { tempDataDir } from './helpers';

const BIN = join(__dirname, '..', '..', 'bin', 'retainlab.js');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('npm run bench (smoke: tiny counts, no timing asserted)', () => {
  it('measures every workload in one run and writes the JSON report', () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const out = join(data.dir, 'report.json');
    const run = spawnSync(process.execPath, [BIN, 'bench', '--quick', '--out', out], { encoding: 'utf8', timeout: 300_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/targets:/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
    const ours = report.results.filter((r) => r.implementation === 'RetainLab engine' && r.workload.match(/^(mlp|cnn) train/));
    expect(ours.map((r) => `${r.workload.split(' ')[0]}/${r.backend}`).sort()).toEqual(['cnn/cpu', 'cnn/wasm', 'mlp/cpu', 'mlp/wasm']);
    for (const r of ours) expect(r.samplesPerSecond, `${r.workload} on ${r.backend}`).toBeGreaterThan(0);
    const fit = report.results.find((r) => r.implementation === 'tfjs-layers model.fit' && r.workload.startsWith('mlp'))!;
    expect(fit.samplesPerSecond, fit.note).toBeGreaterThan(0);
    expect(report.methodStepRatios.find((m) => m.method === 'vanilla')!.ratioToVanilla).toBe(1);
    expect(report.eventLoopDelayP99Ms).toBeGreaterThan(0);
    expect(report.memory!.peakRssMB).toBeGreaterThan(0);
    expect(report.transformers.map((t) => t.config.model_type)).toEqual(['bert', 'gpt2']);
    for (const t of report.transformers) expect(t.sides[0].tokensPerSecond!.median, t.workload).toBeGreaterThan(0);
    expect(report.hfImport.peakRssMB, report.hfImport.note).toBeGreaterThan(0);
  });
});
