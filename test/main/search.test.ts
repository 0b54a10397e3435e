import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SearchOutcome } from '../../src-shared/search/search-result';
import { searchTable } from '../../src-main/cli/study-report';
import { tempDataDir } from './helpers';
import { cleanupsAfterEach } from './run-checks';

const BIN = join(__dirname, '..', '..', 'bin', 'retainlab.js');
const cleanups = cleanupsAfterEach();

// A real search on the digits: four learning rates of vanilla fine-tuning, 2 epochs (one rung, at epoch 1).
// Listed from the largest rate down and trained one at a time, so the later (slower-learning) candidates
// meet the earlier ones at the rung and the halving has something to stop.
const SEARCH_STUDY = {
  name: 'tiny search',
  data: { useFraction: 0.05 },
  baseModel: { recipe: 'mlp', pretrain: { epochs: 2 } },
  methods: [{ id: 'vanilla' }],
  budget: { epochs: 2, evalsPerEpoch: 2, learningRate: [0.01, 0.003, 0.0003, 0.0001], seeds: [0] },
  search: { maximize: 'targetGain', subjectTo: { retention: '>= 0.3' }, budget: { runs: 4, seeds: 2 }, eta: 3 },
  backend: 'wasm',
};

interface ReportRun {
  kind: string;
  seed: number;
  status: string;
  error: string | null;
}

describe('search under a retention floor, for real', () => {
  it('runs the candidates, cancels those the halving stops, re-runs the chosen point over the seeds and reports it', () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const file = join(data.dir, 'search.json');
    writeFileSync(file, JSON.stringify(SEARCH_STUDY));
    const out = spawnSync(process.execPath, [BIN, 'run', file, '--json', '--parallel', '1', '--data-dir', data.dir], { encoding: 'utf8', timeout: 300_000 });
    expect(out.status, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout) as { runs: ReportRun[]; search: SearchOutcome };
    const finetunes = report.runs.filter((r) => r.kind === 'finetune');
    const stopped = finetunes.filter((r) => r.status === 'cancelled');
    // Four candidates on seed 0, then the chosen point again on seed 1.
    expect(finetunes.map((r) => r.seed)).toEqual([0, 0, 0, 0, 1]);
    expect(stopped.length).toBeGreaterThan(0);
    for (const r of stopped) expect(r.error).toMatch(/^stopped by search at epoch 1: /);
    expect(finetunes.filter((r) => r.status !== 'cancelled').every((r) => r.status === 'completed')).toBe(true);

    const { search } = report;
    expect(search.objective).toBe('maximize targetGain');
    expect(search.constraints).toEqual(['retention >= 0.3']);
    expect(search.finished).toBe(true);
    const [method] = search.methods;
    expect(method).toMatchObject({ label: 'Vanilla fine-tuning', candidates: 4, stopped: stopped.length, note: '' });
    const chosen = method.chosen!;
    expect(Object.keys(chosen.point)).toEqual(['budget.learningRate']);
    expect(chosen.seeds).toEqual([0, 1]);
    expect(chosen.metrics.targetGain.n).toBe(2);
    expect(chosen.metrics.targetGain.std).not.toBeNull();
    expect(chosen.metrics.retention.mean).toBeGreaterThan(0);
    expect(search.frontier.length).toBeGreaterThan(0);
    // Spend: 5 runs, the stopped ones a share of their 2 epochs, against 4 points × 2 seeds × 2 epochs.
    expect(search.spend.runs).toBe(5);
    expect(search.spend.stoppedRuns).toBe(stopped.length);
    expect(search.spend.fullGrid).toEqual({ runs: 8, epochs: 16 });
    expect(search.spend.epochs).toBeLessThan(10);
    expect(search.spend.epochs).toBeGreaterThanOrEqual(6 + stopped.length);

    // The text report says the same in words.
    const text = searchTable(search);
    expect(text).toMatch(
      /^search: maximize targetGain subject to retention >= 0\.3\n {2}Vanilla fine-tuning: learningRate=[\d.e-]+; seeds 0, 1: targetGain [\d.-]+ ± /,
    );
    expect(text).toMatch(/spent 5 runs \(\d stopped early\), [\d.]+ epochs; the full grid over every seed: 8 runs, 16 epochs/);
  }, 300_000);
});
