import { getImportedTopology } from '../db/imported-models';
import { withStore, type StoreSource } from './stored-datasets';

/** A Hugging Face checkpoint's tokenizer as the store keeps it (its HfTopology): tokenizer.json and tokenizer_config.json. */
export interface StoredTokenizer {
  json: Record<string, unknown>;
  config: Record<string, unknown>;
}

/**
 * The tokenizer stored with the imported model `modelId`: the one source of a text study's tokenizer
 * when it starts from an imported checkpoint. Refused, naming the model, when it has none.
 */
export function storedTokenizer(store: StoreSource, modelId: string): StoredTokenizer {
  const found = withStore(store, (db) => getImportedTopology(db, modelId));
  if (!found) throw new Error(`The imported model '${modelId}' is no longer in the store`);
  const topology = found.topology as { format?: unknown; tokenizer?: unknown; tokenizerConfig?: unknown } | null;
  if (topology?.format !== 'huggingface' || !topology.tokenizer || typeof topology.tokenizer !== 'object')
    throw new Error(`The imported model '${found.summary.name}' has no tokenizer: only a Hugging Face checkpoint imported with its tokenizer files reads text`);
  return { json: topology.tokenizer as Record<string, unknown>, config: (topology.tokenizerConfig ?? {}) as Record<string, unknown> };
}
