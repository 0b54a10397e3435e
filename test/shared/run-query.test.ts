import { describe, expect, it } from 'vitest';
import { configPaths, matchesQuery, parseQuery, queryIssues } from '../../src-shared/run-query';
import { headline, summary } from '../renderer/run-fixtures';

const runs = [
  summary({ id: 'keeps', methodId: 'lora', params: { rank: 4 }, studyName: 'Digits study', headline: headline(0.86, 0.7), tags: ['keep'] }),
  summary({ id: 'forgets', methodId: 'vanilla', studyName: 'Other study', headline: headline(0.45, 0.9) }),
  summary({ id: 'running', methodId: 'lora', params: { rank: 16 }, studyName: 'Third study', status: 'running', headline: null }),
];
const ids = (search: string) => runs.filter((r) => matchesQuery(r, search)).map((r) => r.id);

describe('conditions on headline metrics', () => {
  it('compare retention, target gain, CD and the accuracies by the names of the metric columns', () => {
    // headline(aPre, aTgt) against a base of 0.9 / 0.1: retention 0.96 and 0.5, gain 0.6 and 0.8.
    expect(ids('retention>0.9')).toEqual(['keeps']);
    expect(ids('retention<=0.5')).toEqual(['forgets']);
    expect(ids('targetGain>=0.7')).toEqual(['forgets']);
    expect(ids('cdAbs<0.1')).toEqual(['keeps', 'forgets']);
    expect(ids('aPre>0.8 aTgt<0.8')).toEqual(['keeps']);
    expect(ids('weightDistanceRel=0.05')).toEqual(['keeps', 'forgets']);
  });

  it('read a trailing % as hundredths', () => {
    expect(ids('retention>90%')).toEqual(['keeps']);
  });

  it('never match a run without a headline yet', () => {
    expect(ids('retention>=0')).toEqual(['keeps', 'forgets']);
    expect(ids('retention!=5')).toEqual(['keeps', 'forgets']);
  });
});

describe('quoted values', () => {
  it('keep spaces inside quotes and drop the quotes', () => {
    expect(parseQuery('studyName="Digits study" tag:"to check" "two words"')).toEqual([
      { kind: 'condition', field: 'studyName', op: '=', value: 'Digits study', source: 'studyName=Digits study' },
      { kind: 'tag', tag: 'to check' },
      { kind: 'word', text: 'two words' },
    ]);
    expect(ids('studyName="Digits study"')).toEqual(['keeps']);
    expect(ids('studyName="digits STUDY" rank=4')).toEqual(['keeps']);
    expect(ids('"other study"')).toEqual(['forgets']);
  });

  it('take an unclosed quote to the end of the search', () => {
    expect(ids('studyName="Other stu')).toEqual([]);
    expect(ids('studyName="Other study')).toEqual(['forgets']);
  });
});

describe('what is wrong with a search', () => {
  it('names an unknown field', () => {
    expect(queryIssues('retention>0.9 retentoin>0.9', runs)).toEqual(["retentoin>0.9: no field 'retentoin'"]);
    expect(queryIssues('nosuchparam=1', runs)).toEqual(["nosuchparam=1: no field 'nosuchparam'"]);
  });

  it('accepts metrics, run facts, full config paths and their last segments', () => {
    expect(queryIssues('retention>0.9 cdAbs<0.1 status=completed rank=4 method.params.rank>1 learningRate<1 studyName="x y" id=keeps', runs)).toEqual([]);
  });

  it('names an order comparison with a value that is not a number, but not an unfinished one', () => {
    expect(queryIssues('retention>high', runs)).toEqual(["retention>high: > compares numbers, and 'high' is not one"]);
    expect(queryIssues('learningRate>', runs)).toEqual([]);
    expect(ids('learningRate>')).toEqual([]);
  });

  it('lists the config paths the runs have, sorted, for the error and the column chooser', () => {
    const paths = configPaths(runs);
    expect(paths).toContain('budget.learningRate');
    expect(paths).toContain('method.params.rank');
    expect(paths).toEqual([...paths].sort());
  });
});
