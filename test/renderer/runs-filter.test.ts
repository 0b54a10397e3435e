import { describe, expect, it } from 'vitest';
import { filterOptions, filterRuns, NO_FILTERS } from '../../src-renderer/lib/runs/filter';
import { matchesQuery as matchesSearch } from '../../src-shared/run-query';
import { summary } from './run-fixtures';

const finetunes = [
  summary({ id: 'r-vanilla', methodId: 'vanilla', learningRate: 0.001, seed: 0, tags: ['baseline'], note: 'first try' }),
  summary({ id: 'r-lora8', methodId: 'lora', methodLabel: 'LoRA', params: { rank: 8, alpha: 16 }, learningRate: 0.01, seed: 1, tags: ['keep'] }),
  summary({ id: 'r-lora4', methodId: 'lora', methodLabel: 'LoRA', params: { rank: 4, alpha: 16 }, learningRate: 0.001, seed: 0, status: 'failed' }),
  summary({
    id: 'r-text',
    methodId: 'l2-sp',
    methodLabel: 'L2-SP',
    task: 'sotu',
    recipe: 'char-gpt',
    metric: 'loss',
    learningRate: 0.0005,
    studyName: 'Text study',
    status: 'running',
    tags: ['keep'],
  }),
];
const base = summary({ id: 'r-base', kind: 'pretrain', methodId: 'pretrain', methodLabel: 'Pretraining', status: 'completed', task: null });
const runs = [...finetunes, base];

const ids = (search: string) => finetunes.filter((r) => matchesSearch(r, search)).map((r) => r.id);

describe('the Runs search language', () => {
  it('matches every run for an empty or blank search', () => {
    expect(ids('')).toHaveLength(finetunes.length);
    expect(ids('   ')).toHaveLength(finetunes.length);
  });

  it('finds a plain word, case-insensitively, in the id, method, study, recipe, task, status, tags and note', () => {
    expect(ids('LORA')).toEqual(['r-lora8', 'r-lora4']);
    expect(ids('text study')).toEqual(['r-text']);
    expect(ids('char-gpt')).toEqual(['r-text']);
    expect(ids('sotu')).toEqual(['r-text']);
    expect(ids('failed')).toEqual(['r-lora4']);
    expect(ids('baseline')).toEqual(['r-vanilla']);
    expect(ids('try')).toEqual(['r-vanilla']);
    expect(matchesSearch(base, 'pretraining')).toBe(true);
  });

  it('wants every token to match (tokens are ANDed, in any order)', () => {
    expect(ids('lora keep')).toEqual(['r-lora8']);
    expect(ids('keep lora')).toEqual(['r-lora8']);
    expect(ids('lora nothing-like-this')).toEqual([]);
  });

  it('takes tag:x as that exact tag, not a substring of another', () => {
    expect(ids('tag:keep')).toEqual(['r-lora8', 'r-text']);
    expect(ids('tag:base')).toEqual([]);
    expect(ids('tag:baseline')).toEqual(['r-vanilla']);
  });

  it('compares a config path given by its last segments with the shallowest such path (budget, not pretrain, learning rate)', () => {
    // Every run's base model was pretrained at 0.001: only the fine-tuning rate decides.
    expect(ids('learningRate<0.002')).toEqual(['r-vanilla', 'r-lora4', 'r-text']);
    expect(ids('learningRate>0.002')).toEqual(['r-lora8']);
    expect(ids('baseModel.pretrain.learningRate<0.002')).toEqual(['r-vanilla', 'r-lora8', 'r-lora4', 'r-text']);
    expect(ids('pretrain.learningRate>0.002')).toEqual([]);
  });

  it('supports =, !=, <, >, <=, >= with numbers written in any JS form', () => {
    expect(ids('method.params.rank=8')).toEqual(['r-lora8']);
    expect(ids('rank=8')).toEqual(['r-lora8']);
    expect(ids('rank!=8')).toEqual(['r-lora4']);
    expect(ids('rank>=4')).toEqual(['r-lora8', 'r-lora4']);
    expect(ids('rank<=4')).toEqual(['r-lora4']);
    expect(ids('learningRate<=1e-3')).toEqual(['r-vanilla', 'r-lora4', 'r-text']);
    expect(ids('learningRate>=1e-2')).toEqual(['r-lora8']);
  });

  it('compares strings for equality case-insensitively and does not order them', () => {
    expect(ids('method.id=LoRA')).toEqual(['r-lora8', 'r-lora4']);
    expect(ids('task=sotu')).toEqual(['r-text']);
    expect(ids('task!=sotu')).toEqual(['r-vanilla', 'r-lora8', 'r-lora4']);
    expect(ids('task>sotu')).toEqual([]);
  });

  it('combines conditions, tags and words', () => {
    expect(ids('lora learningRate<0.002')).toEqual(['r-lora4']);
    expect(ids('tag:keep learningRate<0.002')).toEqual(['r-text']);
    expect(ids('seed=0 method.id=vanilla baseline')).toEqual(['r-vanilla']);
  });

  it('matches nothing with a condition on a path no run has, even with !=', () => {
    expect(ids('nosuchparam=1')).toEqual([]);
    expect(ids('nosuchparam!=1')).toEqual([]);
    // rank exists only in LoRA runs: the other runs are not "different from 8", they have no rank.
    expect(ids('rank!=3')).toEqual(['r-lora8', 'r-lora4']);
  });

  it('matches nothing with an order comparison against a non-number or an unfinished term', () => {
    expect(ids('learningRate<abc')).toEqual([]);
    expect(ids('method.id>1')).toEqual([]);
    expect(ids('learningRate>')).toEqual([]);
    expect(ids('learningRate<')).toEqual([]);
    expect(ids('learningRate=')).toEqual([]);
  });

  it('reads a term without a path as a plain word', () => {
    expect(ids('=8')).toEqual([]);
    expect(ids('<0.1')).toEqual([]);
  });
});

describe('the Runs filter dropdowns', () => {
  it('keep the runs whose method, recipe, task, status and tag equal each chosen value', () => {
    const pick = (f: Partial<typeof NO_FILTERS>, search = '') => filterRuns(runs, { ...NO_FILTERS, ...f }, search).map((r) => r.id);
    expect(pick({})).toHaveLength(runs.length);
    expect(pick({ method: 'lora' })).toEqual(['r-lora8', 'r-lora4']);
    expect(pick({ recipe: 'char-gpt' })).toEqual(['r-text']);
    expect(pick({ task: 'rotate90' })).toEqual(['r-vanilla', 'r-lora8', 'r-lora4']);
    expect(pick({ status: 'failed' })).toEqual(['r-lora4']);
    expect(pick({ tag: 'keep' })).toEqual(['r-lora8', 'r-text']);
    expect(pick({ method: 'lora', tag: 'keep' })).toEqual(['r-lora8']);
    expect(pick({ method: 'lora' }, 'rank=4')).toEqual(['r-lora4']);
    // A dropdown value is matched exactly, not as a substring.
    expect(pick({ method: 'lor' })).toEqual([]);
  });

  it('offer the values present among the runs, sorted by label, pretraining named as such, no empty task', () => {
    const options = filterOptions(runs);
    expect(options.method).toEqual([
      { value: 'pretrain', label: 'Base model pretraining' },
      { value: 'l2-sp', label: 'L2-SP' },
      { value: 'lora', label: 'LoRA' },
      { value: 'vanilla', label: 'Vanilla fine-tuning' },
    ]);
    expect(options.task.map((o) => o.value)).toEqual(['rotate90', 'sotu']);
    expect(options.status.map((o) => o.value)).toEqual(['completed', 'failed', 'running']);
    expect(options.recipe.map((o) => o.value)).toEqual(['char-gpt', 'mlp']);
    expect(options.tag.map((o) => o.value)).toEqual(['baseline', 'keep']);
  });
});
