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
    const run = spawnSync(process.execPath, [BIN, 'bench', '--quick', '--out', out], { encoding: 'utf8', timeout: 600_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/targets:/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
    const ours = report.rows.filter((r) => r.workload.match(/^(mlp|cnn) train/));
    expect(ours.map((r) => `${r.workload.split(' ')[0]}/${r.sides[0].backend}`).sort()).toEqual(['cnn/cpu', 'cnn/wasm', 'mlp/cpu', 'mlp/wasm']);
    for (const r of report.rows) {
      expect(r.rounds, r.workload).toBeGreaterThanOrEqual(5);
      expect(r.sides[0].samplesPerSecond!.perRound, `${r.workload} on ${r.sides[0].backend}`).toHaveLength(r.rounds);
      for (const s of r.sides) expect(s.samplesPerSecond !== null || /^(PyTorch unavailable: |fails: )/.test(s.note ?? ''), s.label).toBe(true);
    }
    const mlp = ours.find((r) => r.sides[0].backend === 'wasm' && r.workload.startsWith('mlp'))!;
    const fit = mlp.sides.find((s) => s.implementation === 'tfjs-layers model.fit')!;
    expect(fit.samplesPerSecond?.median, fit.note).toBeGreaterThan(0);
    expect(mlp.ratios.map((q) => q.over)).toContain('tfjs-layers model.fit (wasm)');
    expect('note' in report.methods ? report.methods.note : '').toBe('');
    if (!('note' in report.methods)) {
      expect(report.methods.methods.filter((m) => m.stepTimeToVanilla).length).toBe(report.methods.methods.length - 1);
      // mix-cd is timed against rehearsal in a pairing of its own.
      expect(report.methods.mixcdToRehearsal?.median).toBeGreaterThan(0);
      expect(report.methods.pairStepsPerSegment).toBeGreaterThan(0);
    }
    const sgemm = report.machine.sgemm;
    expect(sgemm.oneCore !== null || /not measured/.test(sgemm.note ?? ''), sgemm.note).toBe(true);
    expect(report.machine.loadBefore).toHaveLength(3);
    expect(report.eventLoopDelayP99Ms).toBeGreaterThan(0);
    expect(report.memory!.peakRssMB).toBeGreaterThan(0);
    expect(report.transformers.map((t) => t.config.model_type)).toEqual(['bert', 'gpt2']);
    for (const t of report.transformers) expect(t.sides[0].tokensPerSecond!.median, t.workload).toBeGreaterThan(0);
    expect(report.hfImport.peakRssMB, report.hfImport.note).toBeGreaterThan(0);
  }, 660_000);
});
