import { describe, expect, it } from 'vitest';
import { expandStudy, metricOf, runMetricsOf, studyConfigSchema, targetMetricOf } from '../../src-shared/config';
import { comparisonRows } from '../../src-shared/compare-rows';
import { tableMarkdown } from '../../src-shared/export-tables';
import { headlineDeltas } from '../../src-shared/metrics';
import { metricColumnsFor, metricOfKey } from '../../src-shared/metric-columns';
import { summary } from '../renderer/run-fixtures';
import { issuesOf } from './issues-of';

// A language model of Moby Dick fine-tuned into a spam filter: retention in nats, the gain in accuracy.
const mobySpam = { baseModel: { recipe: 'char-gpt' }, data: { source: 'text' }, target: { task: 'moby-spam' }, methods: [{ id: 'vanilla' }] };

describe('a language model fine-tuned into a classifier (moby-spam)', () => {
  it('measures its pretrain side by token loss and its target by accuracy, and its run records say so', () => {
    expect([metricOf('moby-spam'), targetMetricOf('moby-spam')]).toEqual(['loss', 'accuracy']);
    expect([metricOf('sotu'), targetMetricOf('sotu')]).toEqual(['loss', 'loss']);
    const { bases, runs } = expandStudy(studyConfigSchema.parse(mobySpam));
    expect(bases[0].baseModel.classes).toEqual([]);
    expect(runs[0].metric).toBe('loss');
    expect(runs[0].lossRise).toBe(0.1);
    expect(runMetricsOf(runs[0])).toEqual({ pretrain: 'loss', target: 'accuracy' });
  });

  it('signs retention and forgetting by the pretrain loss and the gain by the target accuracy', () => {
    const d = headlineDeltas({ pretrain: 'loss', target: 'accuracy' }, { aPre: 2, aTgt: 0.5 }, { aPre: 2.5, aTgt: 0.9 });
    expect(d.retention).toBeCloseTo(0.8, 12);
    expect(d.forgetting).toBeCloseTo(0.5, 12);
    expect(d.targetGain).toBeCloseTo(0.4, 12);
    // One metric for both sides is the same as the pair of it.
    expect(headlineDeltas('loss', { aPre: 2, aTgt: 3 }, { aPre: 2.5, aTgt: 2 })).toEqual(
      headlineDeltas({ pretrain: 'loss', target: 'loss' }, { aPre: 2, aTgt: 3 }, { aPre: 2.5, aTgt: 2 }),
    );
  });

  it('shows L_pre and forgetting in nats, A_tgt and the gain in percent, in tables and exports', () => {
    const headline = { aPreBase: 2, aTgtBase: 0.5, aTgtBaseIsProbe: true, aPre: 2.5, aTgt: 0.9, retention: 0.8, forgetting: 0.5, targetGain: 0.4 };
    const run = summary({
      id: 'r1',
      task: 'moby-spam',
      recipe: 'char-gpt',
      metric: 'loss',
      targetMetric: 'accuracy',
      headline: { ...headline, cdAbs: 0.1, cdCond: 0.1, weightDistance: 1, weightDistanceRel: 0.1 },
    });
    const rows = comparisonRows([run]);
    const columns = metricColumnsFor(rows);
    const label = (key: string) => columns.find((c) => c.key === key)!.label;
    expect([label('aPre'), label('forgetting'), label('aTgt'), label('targetGain'), label('retention')]).toEqual([
      'L_pre (nats)',
      'Forgetting (nats)',
      'A_tgt',
      'Target gain',
      'Retention',
    ]);
    expect(metricOfKey('aTgt', run)).toBe('accuracy');
    expect(metricOfKey('forgetting', run)).toBe('loss');
    expect(tableMarkdown(rows).trim().split('\n')).toEqual([
      '| Method | n | L_pre (nats) | A_tgt (%) | Retention (%) | Forgetting (nats) | Target gain (pts) | CD (%) | CD cond. (%) | ‖θ−θ₀‖₂ | ‖θ−θ₀‖₂/‖θ₀‖₂ |',
      '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
      '| Vanilla fine-tuning | 1 | 2.50 | 90.0 | 80.0 | 0.500 | 40.0 | 10.0 | 10.0 | 1.00 | 0.100 |',
    ]);
  });

  it('runs alone: a sequence evaluates every task by one metric after every stage', () => {
    expect(issuesOf({ ...mobySpam, target: { task: 'sotu', then: ['moby-spam'] } })).toEqual([
      "target.then.0: 'moby-spam' fine-tunes a language model into a classifier; a sequence's tasks are evaluated by one metric after every stage, so it runs alone",
    ]);
  });

  it('refuses mix-cd, whose estimate needs pretrain samples that are right or wrong', () => {
    expect(issuesOf({ ...mobySpam, methods: [{ id: 'mixcd' }] })).toEqual([
      expect.stringMatching(/^methods\.0\.params: mix-cd estimates .* use random rehearsal/),
    ]);
  });
});
