import { describe, expect, it } from 'vitest';
import { expandStudy, RUN_RECORD_VERSION, studyConfigSchema } from '../../src-shared/config';
import { parseRunConfig, storedRunConfigSchema } from '../../src-shared/run-record';

// One base model each: its spec and pretraining run beside the fine-tuning runs.
const single = (expanded: ReturnType<typeof expandStudy>) => ({ ...expanded.bases[0], runs: expanded.runs });
const digits = () => single(expandStudy(studyConfigSchema.parse({ name: 'digits', methods: [{ id: 'vanilla' }, { id: 'l2' }], budget: { seeds: [0, 1] } })));
const text = () =>
  single(
    expandStudy(
      studyConfigSchema.parse({ baseModel: { recipe: 'char-gpt' }, data: { source: 'text' }, target: { task: 'sotu' }, methods: [{ id: 'vanilla' }] }),
    ),
  );

describe('the run record', () => {
  it('is what expandStudy writes: one versioned shape for the pretraining and the fine-tuning runs, their metric fixed', () => {
    const { baseModel, pretrain, runs } = digits();
    for (const run of [pretrain, ...runs]) {
      expect(storedRunConfigSchema.parse(run)).toEqual(run);
      expect(run).toMatchObject({ version: RUN_RECORD_VERSION, studyName: 'digits', baseModel, metric: 'accuracy' });
    }
    expect(pretrain.kind).toBe('pretrain');
    expect(runs.map((r) => [r.kind, r.method.id, r.seed])).toEqual([
      ['finetune', 'vanilla', 0],
      ['finetune', 'vanilla', 1],
      ['finetune', 'l2', 0],
      ['finetune', 'l2', 1],
    ]);
    expect(text().runs[0]).toMatchObject({ metric: 'loss', lossRise: 0.1 });
    expect(text().pretrain.metric).toBe('loss');
  });

  it('holds its data once, in the base-model spec', () => {
    const run = digits().runs[0];
    expect(run).not.toHaveProperty('data');
    expect(run.baseModel.data).toMatchObject({ source: 'mnist-digits' });
    expect(parseRunConfig({ ...run, data: run.baseModel.data }, 'run-x')).toEqual({
      ok: false,
      error: expect.stringMatching(/^the stored config of run run-x is unreadable: .*data/),
    });
  });

  it('refuses a record without metric, of another version, or a loss run without its threshold, naming the run and the field', () => {
    const { metric: _m, ...noMetric } = digits().runs[0];
    expect(parseRunConfig(noMetric, 'run-a')).toEqual({ ok: false, error: expect.stringMatching(/run run-a .*metric:/) });
    expect(parseRunConfig({ ...digits().runs[0], version: 0 }, 'run-b')).toEqual({
      ok: false,
      error: expect.stringContaining(`version: this RetainLab reads run records of version ${RUN_RECORD_VERSION}`),
    });
    const { lossRise: _l, ...noThreshold } = text().runs[0];
    expect(parseRunConfig(noThreshold, 'run-c')).toEqual({ ok: false, error: expect.stringContaining('lossRise: a loss-metric run needs its lossRise') });
    expect(parseRunConfig({ spec: digits().baseModel, task: 'rotate90', backend: 'auto' }, 'run-d')).toEqual({
      ok: false,
      error: expect.stringMatching(/run run-d .*kind/),
    });
  });

  it('refuses a metric its task does not measure by: a language model scored as accuracy, a classifier as loss', () => {
    const lm = { ...text().runs[0], metric: 'accuracy' as const, lossRise: undefined };
    const parsed = parseRunConfig(lm, 'run-x');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(/metric: the task 'sotu' is measured by loss, not accuracy/);
    const classifier = { ...digits().runs[0], metric: 'loss' as const, lossRise: 0.1 };
    expect(storedRunConfigSchema.safeParse(classifier).success).toBe(false);
    expect(storedRunConfigSchema.safeParse({ ...digits().pretrain, metric: 'loss' }).success).toBe(false);
  });
});
