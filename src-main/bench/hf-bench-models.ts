import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../engine/rng';
import type { SafetensorsCheckpoint, SafetensorsEntry } from '../import/models/safetensors';

/** A Hub config.json of the families the bench measures (the fields the import reads). */
export type HubConfig = Record<string, unknown> & { model_type: 'bert' | 'gpt2' };

/** The BERT-tiny shape of issue 15 (google/bert_uncased_L-2_H-128_A-2) at sequence 128, the Hub's vocabulary, 2 classes. */
export const BERT_TINY: HubConfig = {
  model_type: 'bert',
  vocab_size: 30522,
  hidden_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 512,
  max_position_embeddings: 128,
  type_vocab_size: 2,
  num_labels: 2,
};

/**
 * A small GPT-2 (4 layers, width 256, 4 heads, context 128). Its vocabulary is 8,192, not GPT-2's
 * 50,257: the tied head would otherwise be about 80% of the step's work and the row would measure one
 * matrix multiply, not a transformer (and take minutes per round on a 2-core machine).
 */
export const GPT2_SMALL: HubConfig = { model_type: 'gpt2', vocab_size: 8192, n_positions: 128, n_embd: 256, n_layer: 4, n_head: 4 };

/** bert-base-uncased's shape with its masked-LM head: 110 M float32 weights, ≈ 440 MB of safetensors. */
export const BERT_BASE: HubConfig = {
  model_type: 'bert',
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  max_position_embeddings: 512,
  type_vocab_size: 2,
};

/** Every tensor a Hub checkpoint of `config` stores, by its Hub name (BERT as BertForMaskedLM, plus a classifier when num_labels is set; GPT-2 as GPT2LMHeadModel, head tied). */
export function hubTensors(config: HubConfig): [string, number[]][] {
  const n = (field: string) => config[field] as number;
  const out: [string, number[]][] = [];
  const linear = (name: string, outUnits: number, inUnits: number) => out.push([`${name}.weight`, [outUnits, inUnits]], [`${name}.bias`, [outUnits]]);
  const norm = (name: string, d: number) => out.push([`${name}.weight`, [d]], [`${name}.bias`, [d]]);
  if (config.model_type === 'gpt2') {
    const [d, v] = [n('n_embd'), n('vocab_size')];
    out.push(['transformer.wte.weight', [v, d]], ['transformer.wpe.weight', [n('n_positions'), d]]);
    for (let i = 0; i < n('n_layer'); i++) {
      const h = `transformer.h.${i}`;
      norm(`${h}.ln_1`, d);
      // GPT-2's Conv1D stores [in, out].
      out.push([`${h}.attn.c_attn.weight`, [d, 3 * d]], [`${h}.attn.c_attn.bias`, [3 * d]]);
      out.push([`${h}.attn.c_proj.weight`, [d, d]], [`${h}.attn.c_proj.bias`, [d]]);
      norm(`${h}.ln_2`, d);
      out.push([`${h}.mlp.c_fc.weight`, [d, 4 * d]], [`${h}.mlp.c_fc.bias`, [4 * d]]);
      out.push([`${h}.mlp.c_proj.weight`, [4 * d, d]], [`${h}.mlp.c_proj.bias`, [d]]);
    }
    norm('transformer.ln_f', d);
    return out;
  }
  const [d, v, hidden] = [n('hidden_size'), n('vocab_size'), n('intermediate_size')];
  out.push(['bert.embeddings.word_embeddings.weight', [v, d]], ['bert.embeddings.position_embeddings.weight', [n('max_position_embeddings'), d]]);
  out.push(['bert.embeddings.token_type_embeddings.weight', [n('type_vocab_size'), d]]);
  norm('bert.embeddings.LayerNorm', d);
  for (let i = 0; i < n('num_hidden_layers'); i++) {
    const l = `bert.encoder.layer.${i}`;
    for (const p of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) linear(`${l}.${p}`, d, d);
    norm(`${l}.attention.output.LayerNorm`, d);
    linear(`${l}.intermediate.dense`, hidden, d);
    linear(`${l}.output.dense`, d, hidden);
    norm(`${l}.output.LayerNorm`, d);
  }
  linear('bert.pooler.dense', d, d);
  linear('cls.predictions.transform.dense', d, d);
  norm('cls.predictions.transform.LayerNorm', d);
  out.push(['cls.predictions.bias', [v]]);
  if (config.num_labels !== undefined) linear('classifier', n('num_labels'), d);
  return out;
}

/** Random values for one tensor: LayerNorm weights 1, biases 0, the rest uniform ±0.05 (the bench times steps, not what they learn). */
function fillRandom(name: string, out: Float32Array, rng: Rng): Float32Array {
  if (/(LayerNorm|ln_\w+)\.weight$/.test(name)) out.fill(1);
  else if (!name.endsWith('.bias')) for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-0.05, 0.05);
  return out;
}

/** A checkpoint of `config` in memory with random weights: what the import reads from a Hub folder, without a file. */
export function randomCheckpoint(config: HubConfig, seed = 0): SafetensorsCheckpoint {
  const rng = new Rng(seed);
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, shape] of hubTensors(config)) {
    const count = shape.reduce((a, b) => a * b, 1);
    entries.set(name, { name, dtype: 'F32', shape, path: '(memory)', start: 0, byteLength: count * 4 });
  }
  return {
    entries,
    read: (name, into) => fillRandom(name, into ?? new Float32Array(entries.get(name)!.byteLength / 4), rng),
  };
}

/**
 * Writes a Hub folder of `config` with random float32 weights: config.json, model.safetensors (one
 * tensor at a time, so the writer never holds the file) and a vocab.txt of placeholder word pieces.
 * Returns the safetensors file's size in bytes.
 */
export function writeRandomHubFolder(folder: string, config: HubConfig, seed = 0): number {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
  const tensors = hubTensors(config);
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape] of tensors) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(json.length));
  const rng = new Rng(seed);
  const fd = openSync(join(folder, 'model.safetensors'), 'w');
  try {
    writeSync(fd, size);
    writeSync(fd, json);
    for (const [name, shape] of tensors) {
      const values = fillRandom(name, new Float32Array(shape.reduce((a, b) => a * b, 1)), rng);
      writeSync(fd, new Uint8Array(values.buffer));
    }
  } finally {
    closeSync(fd);
  }
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const vocab = Array.from({ length: config.vocab_size as number }, (_, i) => specials[i] ?? `w${i}`);
  writeFileSync(join(folder, 'vocab.txt'), `${vocab.join('\n')}\n`);
  return 8 + json.length + offset;
}
