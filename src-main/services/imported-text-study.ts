import { targetObjectiveOf, type StudyConfig } from '../../src-shared/config';
import type { HeadSpecs } from '../../src-shared/layer-spec';
import { isSweep } from '../../src-shared/sweep';
import { PRETRAIN_HEAD } from '../engine/models/layers';
import { getImportedModelInfo, type ImportedModelInfo } from '../db/imported-models';
import type { Db } from '../db/types';

// The masked-LM head's transform kernel: present exactly when the checkpoint brought cls.predictions (hf-checkpoint.ts).
const MLM_HEAD_KERNEL = `${PRETRAIN_HEAD}/transform/kernel`;

/**
 * The imported checkpoint a study on the built-in text starts from, checked: it must be a Hugging Face
 * GPT-2-family model (a causal LM: next-token loss) or BERT-family model (a masked LM: masked-token loss)
 * imported with its tokenizer, which then tokenises the corpora. `model` is null for any other study;
 * `issues` are "field: problem" lines. A missing model is lookUpLibrary's to say.
 */
export function lookUpImportedText(db: Db, study: StudyConfig): { model: ImportedModelInfo | null; issues: string[] } {
  const id = study.baseModel.imported;
  if (id === undefined || study.data.source !== 'text') return { model: null, issues: [] };
  const model = getImportedModelInfo(db, id);
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
  // A classifier target reads the pooled [CLS] token through BERT's pooler; a GPT-2 has no such pooling here.
  if (family === 'gpt2' && targetObjectiveOf(study.target.task) === 'classification')
    return {
      model: null,
      issues: [
        `target.task: '${study.target.task}' fine-tunes '${name}' into a classifier on its pooled [CLS] token, which only a BERT-family checkpoint has here: study a GPT-2 on a language-model task (its next-token loss on the target text)`,
      ],
    };
  // A BertModel brings no masked-LM head: retention would be read through a random one.
  if (family === 'bert' && !model.manifest.some((w) => w.name === MLM_HEAD_KERNEL))
    return {
      model: null,
      issues: [
        `${field}: '${name}' has no masked-LM head (a BertModel checkpoint without cls.predictions): masked-token loss would be measured through an untrained head; import a BertForMaskedLM checkpoint (e.g. save_pretrained of AutoModelForMaskedLM)`,
      ],
    };
  // A tied head (GPT-2's and BERT's LM heads read the token embeddings) has no kernel for LoRA to adapt.
  const tied = (model.engineSpec.heads as HeadSpecs | undefined)?.pretrain?.tied;
  // GPT-2's tied head has no bias either: a head-only linear probe of a language-model target would train nothing.
  const headWeights = model.manifest.some((w) => w.name.startsWith(`${PRETRAIN_HEAD}/`));
  const probes =
    tied && !headWeights && targetObjectiveOf(study.target.task) === 'language-model'
      ? study.methods.flatMap((m, i) =>
          [m, ...m.with].flatMap((part, j) =>
            part.id === 'linear-probe' && part.params.headOnly !== false ? [j ? `methods.${i}.with.${j - 1}` : `methods.${i}`] : [],
          ),
        )
      : [];
  if (probes.length)
    return {
      model: null,
      issues: probes.map(
        (where) =>
          `${where}.params.headOnly: a head-only linear probe trains nothing here: '${name}' ties its language-model head to the token embeddings (${tied}) and gives it no bias; set headOnly to false with freezeLayers below the model's depth (the last blocks train), or choose another method`,
      ),
    };
  const loraOnHead = study.methods.flatMap((m, i) =>
    [m, ...m.with].flatMap((part, j) => {
      // A swept head fails in its 'lora' runs alike.
      const head = part.params.head;
      const onHead = isSweep(head) ? head.values.includes('lora') : head === 'lora';
      return part.id === 'lora' && onHead ? [j ? `methods.${i}.with.${j - 1}` : `methods.${i}`] : [];
    }),
  );
  if (tied)
    return {
      model: loraOnHead.length ? null : model,
      issues: loraOnHead.map(
        (where) =>
          `${where}.params.head: 'lora' adapts the pretrain head's kernel, but '${name}' ties its head to the token embeddings (${tied}), so it has none: choose 'frozen' (adapters only) or 'train'`,
      ),
    };
  return { model, issues: [] };
}
