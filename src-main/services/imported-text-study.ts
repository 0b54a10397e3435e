import type { StudyConfig } from '../../src-shared/config';
import { getImportedModel, type ImportedModelRecord } from '../db/imported-models';
import type { Db } from '../db/types';

/**
 * The imported checkpoint a study on the built-in text starts from, checked: it must be a Hugging Face
 * GPT-2-family model (a causal LM: next-token loss) or BERT-family model (a masked LM: masked-token loss)
 * imported with its tokenizer, which then tokenises the corpora. `model` is null for any other study;
 * `issues` are "field: problem" lines. A missing model is lookUpLibrary's to say.
 */
export function lookUpImportedText(db: Db, study: StudyConfig): { model: ImportedModelRecord | null; issues: string[] } {
  const id = study.baseModel.imported;
  if (id === undefined || study.data.source !== 'text') return { model: null, issues: [] };
  const model = getImportedModel(db, id);
  if (!model) return { model: null, issues: [] };
  const { name, format, family, tokenizer } = model.summary;
  const field = 'baseModel.imported';
  if (format !== 'huggingface' || !tokenizer)
    return {
      model: null,
      issues: [
        `${field}: '${name}' has no tokenizer (a ${format ?? 'tfjs-layers'} model of images or features): a text study tokenises its corpora with the model's own tokenizer, so it needs a Hugging Face GPT-2- or BERT-family checkpoint imported with its tokenizer (tokenizer.json, vocab.json and merges.txt, or vocab.txt)`,
      ],
    };
  if (family !== 'gpt2' && family !== 'bert')
    return {
      model: null,
      issues: [
        `${field}: '${name}' is a ${family} model: a language-model text study needs a GPT-2-family (next-token) or BERT-family (masked-token) checkpoint`,
      ],
    };
  return { model, issues: [] };
}
