import { describe, expect, it } from 'vitest';
import { seedGroupKey } from '../../src-shared/aggregate';
import { comparisonRows } from '../../src-shared/compare-rows';
import { expandStudy, studyConfigSchema, type RunConfig } from '../../src-shared/config';
import { headroomCsv, headroomFileName, headroomLatex, headroomMarkdown, headroomTable } from '../../src-shared/verdict/headroom-tables';
import { headroomOfRuns, verdictRuns, type VerdictSourceRun } from '../../src-shared/verdict/verdict-runs';
import { tinyStudy } from '../main/helpers';

// Real run configs: random rehearsal, the mix-cd oracle and mix-cd with class partitions at 8 pretrain samples a step, two seeds.
const configs = expandStudy(
  studyConfigSchema.parse(
    tinyStudy({
      methods: [
        { id: 'rehearsal', params: { memoryBatch: 8 } },
        { id: 'mixcd', params: { memoryBatch: 8, variant: 'oracle' } },
        { id: 'mixcd', params: { memoryBatch: 8, variant: 'estimated', partition: 'class' } },
      ],
      budget: { epochs: 1, seeds: [0, 1] },
    }),
  ),
).runs;

/** A listed run of `config` with this A_pre and A_tgt (completed unless told otherwise). */
function listed(config: RunConfig, i: number, aPre: number, aTgt: number, status = 'completed'): VerdictSourceRun {
  const labels: Record<string, string> = { rehearsal: 'Random rehearsal', mixcd: 'mix-cd rehearsal' };
  return {
    id: `run-${i}`,
    methodId: config.method.id,
    methodLabel: labels[config.method.id],
    seed: config.seed,
    config,
    status,
    metric: 'accuracy',
    headline: { aPre, aTgt },
  };
}

// Seed by seed the class partition keeps exactly half of what the oracle keeps over random rehearsal, and loses 2 points of A_tgt.
const A_PRE: Record<string, number[]> = { rehearsal: [0.9, 0.91], oracle: [0.94, 0.95], class: [0.92, 0.93] };
const A_TGT: Record<string, number[]> = { rehearsal: [0.9, 0.9], oracle: [0.9, 0.9], class: [0.88, 0.88] };
const armOf = (c: RunConfig) => (c.method.id === 'rehearsal' ? 'rehearsal' : c.method.params.variant === 'oracle' ? 'oracle' : 'class');
const runs = configs.map((c, i) => listed(c, i, A_PRE[armOf(c)][c.seed], A_TGT[armOf(c)][c.seed]));

describe('verdict runs from listed runs', () => {
  it('keys each completed run by its seed group and labels it as the comparison table does', () => {
    const still = listed(configs[0], 99, 0.5, 0.5, 'running');
    const mapped = verdictRuns([...runs, still]);
    expect(mapped).toHaveLength(6);
    const tableLabels = new Map(comparisonRows(runs).map((r) => [r.key, r.label]));
    for (const run of mapped) expect(run.label).toBe(tableLabels.get(run.key));
    expect(mapped[0]).toMatchObject({
      key: seedGroupKey(configs[0]),
      method: { id: 'rehearsal', params: { memoryBatch: 8 } },
      sweep: null,
      seed: 0,
      aPre: 0.9,
    });
    expect(new Set(mapped.map((r) => r.label)).size).toBe(3);
  });

  it('finds the headroom of each task: the class partition keeps half of the oracle’s 4 points and costs 2 points of A_tgt', () => {
    const [group, ...rest] = headroomOfRuns(runs);
    expect(rest).toEqual([]);
    expect(group.metric).toBe('accuracy');
    expect(group.rows).toHaveLength(1);
    const row = group.rows[0];
    expect(row.seeds).toBe(2);
    expect(row.memoryBatch).toBe(8);
    expect(row.share!.value).toBeCloseTo(0.5, 10);
    expect(row.headroom.value).toBeCloseTo(0.04, 10);
    expect(row.targetCost.value).toBeCloseTo(-0.02, 10);
  });

  it('has no headroom without the oracle', () => {
    const withoutOracle = runs.filter((r) => armOf(r.config as RunConfig) !== 'oracle');
    expect(headroomOfRuns(withoutOracle)).toEqual([]);
    expect(headroomTable(headroomOfRuns(withoutOracle), 'csv')).toBeNull();
  });
});

describe('headroom tables', () => {
  const groups = headroomOfRuns(runs);
  const row = groups[0].rows[0];

  it('writes CSV with raw values and their bootstrap intervals, labels with commas quoted', () => {
    const [header, line, end] = headroomCsv(groups).split('\n');
    expect(header).toBe(
      'task,metric,variant,memory_batch,random,oracle,n_seeds,headroom,headroom_boot95_low,headroom_boot95_high,share,share_boot95_low,share_boot95_high,target_cost,target_cost_boot95_low,target_cost_boot95_high,share_undefined_fraction',
    );
    expect(end).toBe('');
    const fields = line.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, ''));
    expect(fields.slice(0, 7)).toEqual([groups[0].task, 'accuracy', row.label, '8', row.random, row.oracle, '2'].map((f) => (f.includes(',') ? `"${f}"` : f)));
    expect(Number(fields[10])).toBeCloseTo(0.5, 10);
    expect(Number(fields[13])).toBeCloseTo(-0.02, 10);
    expect(Number(fields[16])).toBe(0);
    expect(headroomTable(groups, 'csv')).toBe(headroomCsv(groups));
  });

  it('writes a booktabs table* with escaped labels, percent signs and real minus signs', () => {
    const tex = headroomLatex(groups);
    expect(tex).toContain('\\begin{table*}[t]');
    expect(tex).toContain('Variant & $B_\\mathrm{mem}$ & $n$ & $A_\\mathrm{pre}$ oracle $-$ random & Headroom share & $A_\\mathrm{tgt}$ cost \\\\');
    const body = tex.split('\n').find((l) => l.startsWith(row.label.replace(/[_%]/g, (c) => `\\${c}`).split(' ')[0]) && l.endsWith('\\\\') && l.includes('&'))!;
    expect(body.split(' & ').slice(1)).toEqual(['8', '2', '+4.0 [+4.0, +4.0]', '50\\% [50\\%, 50\\%]', '$-$2.0 [$-$2.0, $-$2.0] \\\\']);
    expect(tex).toContain('accuracy in percentage points');
    expect(headroomTable(groups, 'latex')).toBe(tex);
    expect(headroomTable(groups, 'latex-full')).toBe(tex);
  });

  it('heads each task’s rows with its name when the runs span several tasks', () => {
    const other = { ...groups[0], task: 'digits 0-4 → new_classes 5-9' };
    const tex = headroomLatex([groups[0], other]);
    expect(tex).toContain(`\\multicolumn{6}{@{}l}{\\emph{${groups[0].task}}} \\\\`);
    expect(tex).toContain('\\multicolumn{6}{@{}l}{\\emph{digits 0-4 → new\\_classes 5-9}} \\\\');
    expect(headroomMarkdown([groups[0], other]).split('\n')[2]).toMatch(/^\| Task \| Variant \|/);
  });

  it('names the headroom file beside the comparison table', () => {
    expect(headroomFileName('comparison.csv')).toBe('comparison-headroom.csv');
    expect(headroomFileName('out/v1.2/table')).toBe('out/v1.2/table-headroom');
  });
});
