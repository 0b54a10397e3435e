import { describe, expect, it } from 'vitest';
import { expandStudy, studyConfigSchema } from '../../src-shared/config';
import { validateStudy } from '../../src-main/services/api-service';
import { issuesOf } from './issues-of';

const text = { baseModel: { recipe: 'char-gpt' }, data: { source: 'text' }, target: { task: 'sotu' }, methods: [{ id: 'vanilla' }] };

describe('text study configs', () => {
  it('a language-model study measures loss, with the default collateral-damage threshold in every run config', () => {
    const {
      bases: [{ baseModel }],
      runs,
    } = expandStudy(studyConfigSchema.parse(text));
    expect(runs[0].metric).toBe('loss');
    expect(runs[0].lossRise).toBe(0.1);
    expect(baseModel.classes).toEqual([]);
    const digits = expandStudy(studyConfigSchema.parse({ methods: [{ id: 'vanilla' }] }));
    expect(digits.runs[0].metric).toBe('accuracy');
    expect(digits.runs[0].lossRise).toBeUndefined();
    expect(digits.bases[0].baseModel).not.toHaveProperty('tokenizer');
  });

  it('refuses a recipe, task and data source that do not belong together, naming the field and what fits', () => {
    expect(issuesOf({ ...text, baseModel: { recipe: 'mlp' } })).toEqual([
      "baseModel.recipe: 'mlp' is a digits or library classification recipe, but the task 'sotu' needs a text language-model recipe (char-gpt)",
    ]);
    expect(issuesOf({ ...text, data: { useFraction: 0.5 } })).toEqual(["data.source: the task 'sotu' uses text: set data.source to 'text'"]);
    expect(issuesOf({ ...text, baseModel: { recipe: 'char-encoder' } })[0]).toMatch(/needs a text language-model recipe \(char-gpt\)/);
  });

  it('refuses mix-cd for a language model, whose sequences are never simply right or wrong', () => {
    expect(issuesOf({ ...text, methods: [{ id: 'mixcd' }] })).toEqual([
      expect.stringMatching(/^methods\.0\.params: mix-cd estimates .* use random rehearsal for language models$/),
    ]);
    expect(() => validateStudy({ ...text, methods: [{ id: 'rehearsal' }, { id: 'lora', params: { layers: 'attention' } }] })).not.toThrow();
  });
});

describe('task sequences in the config', () => {
  const sequence = (target: unknown, methods: unknown[] = [{ id: 'vanilla' }]) => ({ target, methods });

  it('lists the tasks explicitly after the first; every run config carries the list', () => {
    const { runs } = expandStudy(studyConfigSchema.parse(sequence({ task: 'rotate90', then: ['permuted', 'rotate90'] })));
    expect(runs[0].target).toEqual({ task: 'rotate90', then: ['permuted', 'rotate90'] });
  });

  it('refuses tasks that do not continue the same base model with the same head, and WiSE-FT or unmerged LoRA in a sequence', () => {
    expect(issuesOf(sequence({ task: 'rotate90', then: ['new-classes'] }))).toEqual([
      "target.then.0: 'new-classes' continues a model pretrained on digits 0-4, but 'rotate90' one pretrained on digits 0-9: a sequence's tasks share one base model",
    ]);
    expect(issuesOf({ ...text, target: { task: 'sotu', then: ['spam-later'] } })[0]).toMatch(
      /^target\.then\.0: 'spam-later' continues a model pretrained on early SpamAssassin mail/,
    );
    expect(issuesOf(sequence({ task: 'rotate90', then: ['permuted'] }, [{ id: 'wiseft' }]))[0]).toMatch(
      /^methods\.0\.params: WiSE-FT interpolates one fine-tuning with θ₀/,
    );
    expect(issuesOf(sequence({ task: 'rotate90', then: ['permuted'] }, [{ id: 'lora', params: { merge: false } }]))[0]).toMatch(
      /merge must be on in a sequence of tasks/,
    );
  });
});
