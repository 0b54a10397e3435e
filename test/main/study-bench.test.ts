import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npyBytes } from '../../src-main/bench/npy';
import { benchStudy, writeStudySplits } from '../../src-main/bench/study-bench';
import { formatStudyReport, methodKey, secondsPerEpoch, speedRatio, type StudyBenchReport, type StudyBenchRow } from '../../src-main/bench/study-report';
import { findTorchPython, runTorchStudy } from '../../src-main/bench/study-torch';

const row = (side: StudyBenchRow['side'], setting: string, perEpoch: number | null): StudyBenchRow => ({
  side,
  setting,
  finetuneSeconds: perEpoch === null ? null : perEpoch * 55,
  secondsPerEpoch: perEpoch,
  totalSeconds: null,
  pretrainSeconds: null,
  loadBefore: [1, 2, 3],
  loadAfter: [2, 2, 3],
  accuracy: perEpoch === null ? {} : { vanilla: { aPre: 0.5, aTgt: 0.9, seconds: 4.25 } },
});

describe('the whole-study benchmark’s arithmetic and report', () => {
  it('divides the fine-tuning wall time by every run’s epochs, and has no figure without a time', () => {
    expect(secondsPerEpoch(110, 11, 5)).toBe(2);
    expect(secondsPerEpoch(null, 11, 5)).toBeNull();
    expect(secondsPerEpoch(110, 0, 5)).toBeNull();
  });

  it('names LoRA runs by rank, so that both sides’ rows of one method meet', () => {
    expect(methodKey({ id: 'lora', params: { rank: 16 } })).toBe('lora-16');
    expect(methodKey({ id: 'lora', params: {} })).toBe('lora-8');
    expect(methodKey({ id: 'l2-sp', params: { alpha: 1 } })).toBe('l2-sp');
  });

  it('gives PyTorch’s time per epoch over RetainLab’s (above 1: RetainLab faster), none when a side has no time', () => {
    expect(speedRatio(row('PyTorch', '1 thread', 3), row('RetainLab', '2 engines', 1.5))).toBe(2);
    expect(speedRatio(row('PyTorch', '1 thread', null), row('RetainLab', '2 engines', 1.5))).toBeNull();
  });

  it('prints every side, the ratios, the machine load and each method’s accuracy on each side', () => {
    const report: StudyBenchReport = {
      createdAt: '2026-01-01T00:00:00Z',
      machine: { cpus: 2, cpuModel: 'x', node: 'v24', platform: 'linux', loadBefore: [1, 1, 1], loadAfter: [2, 2, 2] },
      protocol: {
        study: 's',
        sizes: { pretrainTrain: 4998, pretrainEval: 714, targetTrain: 2002, targetEval: 286 },
        pretrainEpochs: 8,
        epochs: 5,
        batchSize: 64,
        runs: 11,
        methods: ['vanilla', 'lora-4'],
        init: 'pytorch',
        adamEpsilon: { retainlab: 1e-7, pytorch: 1e-8 },
      },
      rows: [row('RetainLab', '2 engines', 1.5), { ...row('PyTorch', '1 thread', null), note: 'no torch here' }],
      ratios: [{ pytorch: 'PyTorch 1 thread', retainlab: 'RetainLab 2 engines', ratio: null }],
    };
    const text = formatStudyReport(report);
    expect(text).toMatch(/RetainLab 2 engines\s+1\.500\s+82\.5/);
    expect(text).toMatch(/PyTorch 1 thread\s+n\/a/);
    expect(text).toContain('no torch here');
    expect(text).toContain('PyTorch 1 thread / RetainLab 2 engines per fine-tuning epoch: n/a');
    expect(text).toContain('load average 1.00 1.00 1.00 before, 2.00 2.00 2.00 after');
    expect(text).toMatch(/vanilla\s+0\.500 \/ 0\.900\s+4\.3\s+n\/a/);
  });

  it('writes .npy files whose header NumPy accepts: magic, version 1.0, a dict padded to 64 bytes, then the raw values', () => {
    const bytes = npyBytes(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0]));
    const headerLength = bytes.readUInt16LE(8);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes.subarray(10, 10 + headerLength).toString('latin1')).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    expect(Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length)))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(npyBytes(Int32Array.from([7]), [1]).toString('latin1')).toContain("'descr': '<i4', 'fortran_order': False, 'shape': (1,), }");
    expect(() => npyBytes(Float32Array.from([1, 2]), [3])).toThrow(/shape \[3\] holds 3 values, the data has 2/);
  });
});

describe('the reference study’s splits and its PyTorch script', () => {
  let dir: string;
  let sizes: ReturnType<typeof writeStudySplits>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'study-bench-test-'));
    sizes = writeStudySplits(benchStudy(false), dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has ≈5,000 upright pretrain digits and ≈2,000 rotated target digits, written for the script', () => {
    expect(sizes).toEqual({ pretrainTrain: 4998, pretrainEval: 714, targetTrain: 2002, targetEval: 286 });
    // 784 features of each of the 2,002 target rows follow the 128-byte header.
    expect(readFileSync(join(dir, 'x_target_train.npy')).length).toBe(128 + 2002 * 784 * 4);
  });

  const torch = findTorchPython();
  const why = 'why' in torch ? `skipped: ${torch.why}` : `with ${torch.python}, torch ${torch.torch}`;
  it.skipIf('why' in torch)(`runs every method of the protocol on those files in smoke mode (${why})`, () => {
    if ('why' in torch) return;
    const { result } = runTorchStudy(torch.python, dir, 1, ['--smoke']);
    expect(result.threads).toBe(1);
    expect(result.sizes).toEqual({ pretrain_train: 200, pretrain_eval: 200, target_train: 200, target_eval: 200 });
    expect(result.runs.map((r) => r.method)).toEqual([
      'vanilla',
      'wiseft',
      'l2-sp',
      'ewc',
      'recadam',
      'rehearsal',
      'mixcd',
      'lora-1',
      'lora-4',
      'lora-16',
      'lora-64',
    ]);
    for (const r of result.runs) {
      expect(r.aPre).toBeGreaterThanOrEqual(0);
      expect(r.aTgt).toBeLessThanOrEqual(1);
    }
    // One epoch at batch 64 on 200 rows: 4 in-epoch points plus θ₀'s and the final; WiSE-FT adds its 11 α.
    expect(result.runs.find((r) => r.method === 'vanilla')!.evaluations).toBe(6);
    expect(result.runs.find((r) => r.method === 'wiseft')!.evaluations).toBe(17);
    // Pretraining one epoch on 200 real digits already beats chance.
    expect(result.pretrain.aPre).toBeGreaterThan(0.2);
  });
});
