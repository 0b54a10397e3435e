import { describe, expect, it } from 'vitest';
import { comparisonRows } from '../../src-shared/compare-rows';
import { summary } from '../renderer/run-fixtures';
import { libraryRun } from './task-fixtures';

const WISEFT = { methodId: 'wiseft', methodLabel: 'WiSE-FT interpolation' };
const wiseftParams = { alphas: [0, 0.25, 0.5, 0.75, 1], weighting: 'plain', fisherSamples: 1024, reportAlpha: 0.5 };

describe('labels of compared experiments (legends and table rows)', () => {
  it('compares a method\u2019s parameters only with runs of the same method: no "fisherSamples=…" between EWC and WiSE-FT', () => {
    const rows = comparisonRows([
      summary({ id: 'e', methodId: 'ewc', methodLabel: 'EWC', params: { lambda: 1e5, fisher: 'avalanche', normalize: false, fisherSamples: 2048 } }),
      summary({ id: 'w', ...WISEFT, params: wiseftParams }),
      summary({ id: 'v' }),
    ]);
    expect(rows.map((r) => r.label)).toEqual(['EWC', 'WiSE-FT interpolation (α=0.5)', 'Vanilla fine-tuning']);
  });

  it('names the setting of every row of a method that appears with several, in paper notation', () => {
    const rows = comparisonRows([
      ...[4, 8].map((rank) => summary({ id: `l${rank}`, methodId: 'lora', methodLabel: 'LoRA', params: { rank, scaleMode: 'alpha=2r' } })),
      ...[0.3, 0.7].map((a) => summary({ id: `w${a}`, ...WISEFT, params: { ...wiseftParams, reportAlpha: a } })),
      summary({ id: 'v' }),
    ]);
    expect(rows.map((r) => r.label)).toEqual([
      'LoRA (r=4)',
      'LoRA (r=8)',
      'WiSE-FT interpolation (α=0.3)',
      'WiSE-FT interpolation (α=0.7)',
      'Vanilla fine-tuning',
    ]);
  });

  it('says which α a lone WiSE-FT row reports, and leaves a method label\u2019s own explanation out', () => {
    const rows = comparisonRows([
      summary({ id: 'w', ...WISEFT, params: wiseftParams }),
      summary({ id: 'l', methodId: 'l2-sp', methodLabel: 'L2-SP (L2 / L1 to pretrained)', params: { norm: 'l2', alpha: 0.1 } }),
    ]);
    expect(rows.map((r) => r.label)).toEqual(['WiSE-FT interpolation (α=0.5)', 'L2-SP']);
  });

  it('names the task instead of dumping the config when runs of several tasks are compared', () => {
    const rows = comparisonRows([summary({ id: 'rot' }), libraryRun('iris', 'data-iris', 'data-wine', 'iris → wine')]);
    expect(rows.map((r) => r.label)).toEqual(['Vanilla fine-tuning · digits 0-9 → Rotated digits', 'Vanilla fine-tuning · iris → wine']);
  });

  it('caps a label at three settings with short values', () => {
    const labels = comparisonRows([
      summary({ id: 'a', learningRate: 0.001, epochs: 1, params: { a: 1, b: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6], c: 'x', d: 1 } }),
      summary({ id: 'b', learningRate: 0.01, epochs: 2, params: { a: 2, b: [0, 0.5, 1], c: 'y', d: 2 } }),
    ]).map((r) => r.label);
    expect(labels[0]).toBe('Vanilla fine-tuning (a=1, b=[0,0.1,0.2,0.…, c=x, …)');
    expect(labels[1]).toBe('Vanilla fine-tuning (a=2, b=[0,0.5,1], c=y, …)');
  });

  it('lists the seeds of an experiment in increasing order whatever order its runs come in', () => {
    const [row] = comparisonRows([2, 0, 1].map((seed) => summary({ id: `v${seed}`, seed })));
    expect(row.seeds).toEqual([0, 1, 2]);
  });
});
