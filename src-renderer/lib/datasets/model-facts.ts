import type { ImportedModelSummary } from '../../../src-shared/datasets';

const FAMILY_NAMES: Record<NonNullable<ImportedModelSummary['family']>, string> = { gpt2: 'GPT-2', bert: 'BERT' };

/** What an imported model is, as the library and the wizard name it: "Hugging Face GPT-2 checkpoint" or "TensorFlow.js model". */
export function modelKind(model: ImportedModelSummary): string {
  if (model.format !== 'huggingface') return 'TensorFlow.js model';
  return model.family ? `Hugging Face ${FAMILY_NAMES[model.family]} checkpoint` : 'Hugging Face checkpoint';
}

/** An imported model's input, head and size on one line; a text model's input is its context and its head's units its vocabulary. */
export function modelFacts(model: ImportedModelSummary): string {
  const params = `${model.paramCount.toLocaleString('en')} parameters (${model.trainableParamCount.toLocaleString('en')} trainable)`;
  const layers = `${model.layers.length} layers`;
  if (model.format === 'huggingface')
    return `context ${model.inputShape[0]} tokens · ${model.family === 'bert' ? 'masked-LM' : 'next-token'} head over ${model.classes.toLocaleString('en')} tokens · ${params} · ${layers}`;
  return `input ${model.inputShape.join('×')} · ${model.classes} classes · ${params} · head “${model.headLayer}” · ${layers}`;
}

/**
 * Whether a task of the catalog fits an imported model: a GPT-2 or BERT checkpoint reads the built-in text's language-model
 * tasks with its own tokenizer (a BERT also becomes a classifier on its pooled [CLS]); any other model datasets of the library.
 */
export function importedFits(model: ImportedModelSummary, task: { source: string; metric: string; targetMetric: string }): boolean {
  if (model.format === 'huggingface' && model.family)
    return task.source === 'text' && task.metric === 'loss' && (task.targetMetric === 'loss' || model.family === 'bert');
  return task.source === 'library';
}

/** The loss a Hugging Face text model is measured by: GPT-2's next-token loss, BERT's masked-token loss. */
export function textLossOf(model: ImportedModelSummary): string {
  return model.family === 'bert' ? 'masked-token loss (15% of tokens, BERT’s masking)' : 'next-token loss';
}

/** What an imported model is studied on, for its card in the wizard. */
export function importedStudiedOn(model: ImportedModelSummary): string {
  if (model.format === 'huggingface' && model.family)
    return `Studied on the built-in text, read with its own tokenizer: retention is ${textLossOf(model)} on held-out Moby Dick; nothing is pretrained.`;
  return 'Studied on datasets of the library; nothing is pretrained.';
}
