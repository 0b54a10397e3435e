import type { BaseModelSpec } from '../../../src-shared/config';
import { tokenizerId } from './char-tokenizer';
import { hfTokenizerId } from './hf-text-tokenizer';
import type { Dataset } from './dataset';

/**
 * Refuses datasets tokenised for another model: token ids mean nothing under another vocabulary,
 * and a mismatch would train and evaluate silently on garbage. Image models take no text, text models no images.
 */
export function checkTokenizer(
  base: Pick<BaseModelSpec, 'recipe' | 'tokenizer'> & Partial<Pick<BaseModelSpec, 'imported' | 'data'>>,
  datasets: Dataset[],
): void {
  // An imported checkpoint reads the built-in text with its own stored tokenizer.
  const importedText = base.imported && base.data?.source === 'text' ? hfTokenizerId(base.imported.id) : null;
  const expected = base.tokenizer ? tokenizerId(base.tokenizer) : importedText;
  for (const d of datasets) {
    if ((d.tokenizer ?? null) === expected) continue;
    if (!expected)
      throw new Error(`Dataset '${d.name}' holds text tokenised with ${d.tokenizer}, but the base model '${base.recipe}' reads images, not tokens`);
    if (!d.tokenizer) throw new Error(`Dataset '${d.name}' holds no tokens, but the base model '${base.recipe}' is a text model (tokenizer ${expected})`);
    throw new Error(
      `Dataset '${d.name}' was tokenised with ${d.tokenizer}, but the base model '${base.recipe}' uses ${expected}: ` +
        'token ids of one vocabulary mean other characters in another. Tokenise the text with the base model\u2019s own tokenizer (stored in its spec), or pretrain a base model for this data.',
    );
  }
}
