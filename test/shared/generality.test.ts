import { describe, expect, it } from 'vitest';
import { comparisonRows } from '../../src-shared/compare-rows';
import { expandStudy, studyConfigSchema } from '../../src-shared/config';
import { tableCsv, tableLatex } from '../../src-shared/export-tables';
import { generalityHeadline, generalityIssues, generalitySetsFor } from '../../src-shared/generality';
import { metricColumnsFor, METRIC_COLUMNS } from '../../src-shared/metric-columns';
import { storedRunConfigSchema } from '../../src-shared/run-record';
import { matchesQuery, queryIssues } from '../../src-shared/run-query';

const digits = { name: 'suite', methods: [{ id: 'vanilla' }], generality: ['upright', 'noisy-digits'] };

describe('a generality suite in a study', () => {
  it('is carried into every fine-tuning run record and accepted there', () => {
    const { runs } = expandStudy(studyConfigSchema.parse({ ...digits, budget: { seeds: [0, 1] } }));
    expect(runs.map((r) => r.generality)).toEqual([
      ['upright', 'noisy-digits'],
      ['upright', 'noisy-digits'],
    ]);
    expect(storedRunConfigSchema.safeParse(runs[0]).success).toBe(true);
    // Without a suite the record is as before (no key), so older studies keep their identity.
    expect('generality' in expandStudy(studyConfigSchema.parse({ name: 's', methods: [{ id: 'vanilla' }] })).runs[0]).toBe(false);
  });

  it('refuses a set of another domain, a set named twice and an empty suite, each by its path and with the sets that fit', () => {
    const issues = (generality: string[], target = {}) => {
      const r = studyConfigSchema.safeParse({ ...digits, target, generality });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues(['upright', 'moby-dick'])).toEqual([
      "generality.1: the task 'rotate90' cannot be measured on 'moby-dick' (a text set); its sets: upright, unseen-upright, noisy-digits, shifted-digits",
    ]);
    expect(issues(['upright', 'upright'])).toEqual(["generality.1: 'upright' is named twice in the generality suite"]);
    expect(issues([])[0]).toMatch(/^generality: name at least one generality set/);
    expect(issues(['noisy']).join('\n')).toMatch(/^generality\.0: Invalid option: expected one of "upright"\|/);
    expect(generalityIssues('spam-later', ['spam-assassin'])[0].message).toMatch(/'spam-later' has no generality sets yet/);
    expect(generalitySetsFor('sotu').map((s) => s.id)).toEqual(['moby-dick', 'sotu', 'spam-assassin']);
  });
});

describe('a generality suite in headlines, comparisons and tables', () => {
  it('reports each set with its retention, and their means (loss: retention is L₀/L)', () => {
    const h = generalityHeadline('loss', ['moby-dick', 'spam-assassin'], { 'moby-dick': 2, 'spam-assassin': 3 }, { 'moby-dick': 2.5, 'spam-assassin': 3 });
    expect(h.generality.map((g) => [g.set, g.label, g.retention])).toEqual([
      ['moby-dick', 'Moby Dick', 0.8],
      ['spam-assassin', 'SpamAssassin mail', 1],
    ]);
    expect(h.aGen).toBeCloseTo(2.75, 12);
    expect(h.retentionGen).toBeCloseTo(0.9, 12);
    const acc = generalityHeadline('accuracy', ['upright', 'noisy-digits'], { upright: 0.9, 'noisy-digits': 0 }, { upright: 0.45, 'noisy-digits': 0.1 });
    expect(acc.generality[0].retention).toBeCloseTo(0.5, 12);
    // A set θ₀ scored 0 on has no retention; the mean is then undefined too, not a number.
    expect(acc.retentionGen).toBeNull();
  });

  it('adds per-set and mean columns to comparisons and exports only when some run has a suite', () => {
    const config = (seed: number) => ({ metric: 'accuracy', method: { id: 'vanilla' }, seed });
    const headline = (u: number, n: number) => ({
      aPre: u,
      ...generalityHeadline('accuracy', ['upright', 'noisy-digits'], { upright: 0.9, 'noisy-digits': 0.6 }, { upright: u, 'noisy-digits': n }),
    });
    const runs = [
      { id: 'a', methodId: 'vanilla', methodLabel: 'Vanilla', seed: 0, config: config(0), headline: headline(0.81, 0.3) },
      { id: 'b', methodId: 'vanilla', methodLabel: 'Vanilla', seed: 1, config: config(1), headline: headline(0.72, 0.36) },
    ];
    const rows = comparisonRows(runs);
    expect(rows).toHaveLength(1);
    expect(rows[0].metrics['genRet:upright'].mean).toBeCloseTo(0.85, 12);
    expect(rows[0].metrics['gen:noisy-digits'].mean).toBeCloseTo(0.33, 12);
    expect(rows[0].metrics.retentionGen.mean).toBeCloseTo((0.85 + 0.55) / 2, 12);
    const keys = metricColumnsFor(rows).map((c) => c.key);
    expect(keys.slice(METRIC_COLUMNS.length)).toEqual(['retentionGen', 'aGen', 'genRet:upright', 'gen:upright', 'genRet:noisy-digits', 'gen:noisy-digits']);
    expect(tableCsv(rows).split('\n')[0]).toContain('genRet:noisy-digits_mean');
    expect(tableLatex(rows)).toContain('$R_\\mathrm{gen}$');
    // The Runs view's search and `runs list --where` read a set's metric by its key.
    const queryable = (r: (typeof runs)[number]) => ({ ...r, studyName: 's', status: 'completed', tags: [], note: '', headline: r.headline as never });
    expect(runs.filter((r) => matchesQuery(queryable(r), 'genRet:upright>0.85')).map((r) => r.id)).toEqual(['a']);
    expect(runs.filter((r) => matchesQuery(queryable(r), 'genRet:noisy-digits>55%')).map((r) => r.id)).toEqual(['b']);
    expect(runs.filter((r) => matchesQuery(queryable(r), 'retentionGen>=0.69')).map((r) => r.id)).toEqual(['a', 'b']);
    expect(queryIssues('genRet:noisy-digits>0.5', runs.map(queryable))).toEqual([]);
    const plain = comparisonRows(runs.map((r) => ({ ...r, headline: { aPre: r.headline.aPre } })));
    expect(metricColumnsFor(plain)).toBe(METRIC_COLUMNS);
    expect(tableLatex(plain)).not.toContain('gen');
  });
});
