import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { WeightEntry } from '../../../src-shared/checkpoint';
import type { HeadSpecs, ImportedEngineSpec, LayerSpec, MlpActivation } from '../../../src-shared/layer-spec';
import { PRETRAIN_HEAD, TARGET_HEAD } from '../../engine/models/layers';
import { ImportError } from '../import-error';
import { openSafetensorsFolder, type SafetensorsCheckpoint } from './safetensors';

/** The model families a Hugging Face checkpoint may be, with the classes the Hub names them by. */
export const HF_FAMILIES: Record<string, string> = {
  gpt2: 'GPT2LMHeadModel (gpt2, distilgpt2 and other sizes)',
  bert: 'BertModel, BertForMaskedLM, BertForSequenceClassification',
};

/** A Hugging Face checkpoint mapped onto the engine. */
export interface HfModel {
  family: 'gpt2' | 'bert';
  /** config.json as read. */
  config: Config;
  spec: ImportedEngineSpec;
  /** Every engine weight in one buffer, a checkpoint's classifier (`target_head/…`) last. */
  data: Float32Array;
  /** Where each engine weight lies in `data`. */
  manifest: WeightEntry[];
  /** Every engine weight by name (views into `data`). */
  weights: Map<string, Float32Array>;
  /** Each used tensor of the checkpoint → the engine weights made from it (pieces of it, up to transposition; a tied tensor once). */
  sources: Map<string, string[]>;
  /** Units of the checkpoint's sequence classifier (`classifier.*`, BERT), or null. */
  classifierUnits: number | null;
  warnings: string[];
}

type Config = Record<string, unknown>;

/** A positive whole-number field of config.json, or its Hub default when absent. */
function int(config: Config, field: string, fallback?: number): number {
  const v = config[field] ?? fallback;
  if (!Number.isSafeInteger(v) || (v as number) < 1)
    throw new ImportError(`config.json: ${field} is ${JSON.stringify(v) ?? 'missing'}, not a positive whole number`);
  return v as number;
}

function epsilon(config: Config, field: string, fallback: number): number {
  const v = config[field] ?? fallback;
  if (typeof v !== 'number' || !(v > 0) || v >= 1) throw new ImportError(`config.json: ${field} is ${JSON.stringify(v)}, not a small positive number`);
  return v;
}

const ACTIVATIONS: Record<string, MlpActivation> = { relu: 'relu', gelu: 'gelu', gelu_new: 'gelu_new', gelu_pytorch_tanh: 'gelu_new' };

function activation(config: Config, field: string, fallback: string): MlpActivation {
  const v = config[field] ?? fallback;
  const mapped = typeof v === 'string' ? ACTIVATIONS[v] : undefined;
  if (!mapped) throw new ImportError(`config.json: ${field} '${String(v)}' is not supported; RetainLab runs ${Object.keys(ACTIVATIONS).join(', ')}`);
  return mapped;
}

/** A row-major [rows, cols] matrix transposed into `out` ([cols, rows]). */
function transposeInto(values: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
}

/** Columns [from, from + width) of a row-major [rows, cols] matrix into `out` (GPT-2's fused c_attn → q, k, v). */
function columnsInto(values: Float32Array, rows: number, cols: number, from: number, out: Float32Array): void {
  const width = out.length / rows;
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * cols + from, r * cols + from + width), r * width);
}

/** One engine weight to make from a stored tensor: its name, shape, and how its values come from the tensor's. */
interface Planned {
  engine: string;
  shape: number[];
  stored: string;
  /** How its values come from the tensor's; absent: they are the tensor's, read straight into place. */
  fill?: (values: Float32Array, out: Float32Array) => void;
}

/**
 * Maps the checkpoint's tensors by their Hub names (with or without the family's prefix) onto engine
 * weights. Every name and shape is checked against the header first (nothing read); then one float32
 * buffer holds every engine weight and each tensor is read from disk once, straight into its place,
 * so an import holds the weights once (the store's copy aside), never the file twice.
 */
class TensorMap {
  private readonly plan: Planned[] = [];

  constructor(
    private readonly ckpt: SafetensorsCheckpoint,
    private readonly prefix: string,
  ) {}

  /** The stored name of a tensor: `<prefix>name` or `name`, for a LayerNorm also its old `gamma`/`beta` spelling; null when absent. */
  find(name: string, withPrefix = true): string | null {
    const spellings = [name, name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta')];
    for (const s of spellings) for (const full of withPrefix ? [this.prefix + s, s] : [s]) if (this.ckpt.entries.has(full)) return full;
    return null;
  }

  /** The stored shape of a tensor found by `find`. */
  shapeOf(stored: string): number[] {
    return this.ckpt.entries.get(stored)!.shape;
  }

  /** The stored name of a tensor that must be there with this shape (refused naming it otherwise). */
  private checked(name: string, shape: number[], withPrefix: boolean): string {
    const stored = this.find(name, withPrefix);
    if (!stored) throw new ImportError(`The checkpoint has no tensor '${withPrefix ? this.prefix : ''}${name}', which config.json's architecture needs`);
    const actual = this.ckpt.entries.get(stored)!.shape;
    if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i]))
      throw new ImportError(`Tensor '${stored}' has shape [${actual.join(', ')}], but config.json's sizes make it [${shape.join(', ')}]`);
    return stored;
  }

  /** A tensor stored as the engine keeps it (embeddings, biases, norms, GPT-2's Conv1D [in, out]). */
  copy(name: string, engine: string, shape: number[], withPrefix = true): void {
    const stored = this.checked(name, shape, withPrefix);
    this.plan.push({ engine, shape, stored });
  }

  /** A torch Linear weight [out, in] as the engine's kernel [in, out]. */
  linear(name: string, engine: string, out: number, inn: number, withPrefix = true): void {
    const stored = this.checked(name, [out, inn], withPrefix);
    this.plan.push({ engine, shape: [inn, out], stored, fill: (values, dest) => transposeInto(values, out, inn, dest) });
  }

  /** A LayerNorm's weight and bias as the engine's gamma and beta. */
  norm(name: string, engine: string, width: number, withPrefix = true): void {
    this.copy(`${name}.weight`, `${engine}/gamma`, [width], withPrefix);
    this.copy(`${name}.bias`, `${engine}/beta`, [width], withPrefix);
  }

  /** GPT-2's fused c_attn ([d, 3d] weight, [3d] bias) as three kernel layers q, k, v (so LoRA can adapt each). */
  fusedQkv(name: string, block: string, d: number): void {
    const w = this.checked(`${name}.weight`, [d, 3 * d], true);
    const b = this.checked(`${name}.bias`, [3 * d], true);
    const parts = ['q', 'k', 'v'] as const;
    parts.forEach((p, i) =>
      this.plan.push({ engine: `${block}/attn/${p}/kernel`, shape: [d, d], stored: w, fill: (values, out) => columnsInto(values, d, 3 * d, i * d, out) }),
    );
    parts.forEach((p, i) =>
      this.plan.push({ engine: `${block}/attn/${p}/bias`, shape: [d], stored: b, fill: (values, out) => out.set(values.subarray(i * d, (i + 1) * d)) }),
    );
  }

  /** Stored tensors nothing is made from, except those known to be buffers or tied copies. */
  unused(ignored: RegExp): string[] {
    const used = new Set(this.plan.map((p) => p.stored));
    return [...this.ckpt.entries.keys()].filter((n) => !used.has(n) && !ignored.test(n));
  }

  /**
   * Reads every planned weight into one buffer, in plan order but a classifier (`target_head/…`)
   * last, so the weights before it are one contiguous prefix that can be stored without it.
   */
  materialise(): Pick<HfModel, 'data' | 'manifest' | 'weights' | 'sources'> {
    const plan = [...this.plan].sort((a, b) => Number(a.engine.startsWith(`${TARGET_HEAD}/`)) - Number(b.engine.startsWith(`${TARGET_HEAD}/`)));
    const manifest: WeightEntry[] = [];
    let offset = 0;
    for (const p of plan) {
      const length = p.shape.reduce((a, b) => a * b, 1);
      manifest.push({ name: p.engine, shape: p.shape, offset, length });
      offset += length;
    }
    const data = new Float32Array(offset);
    const weights = new Map<string, Float32Array>();
    const sources = new Map<string, string[]>();
    // Consecutive weights of one tensor (c_attn's q, k, v) share one read.
    let last: { stored: string; values: Float32Array } | null = null;
    plan.forEach((p, i) => {
      const view = data.subarray(manifest[i].offset, manifest[i].offset + manifest[i].length);
      if (!p.fill) this.ckpt.read(p.stored, view);
      else {
        if (last?.stored !== p.stored) last = { stored: p.stored, values: this.ckpt.read(p.stored) };
        p.fill(last.values, view);
      }
      weights.set(p.engine, view);
      sources.set(p.stored, [...(sources.get(p.stored) ?? []), p.engine]);
    });
    return { data, manifest, weights, sources };
  }
}

function gpt2(config: Config, map: TensorMap): { spec: ImportedEngineSpec; warnings: string[] } {
  const vocab = int(config, 'vocab_size', 50257);
  const positions = int(config, 'n_positions', 1024);
  const d = int(config, 'n_embd', 768);
  const layers = int(config, 'n_layer', 12);
  const heads = int(config, 'n_head', 12);
  const hidden = config.n_inner == null ? 4 * d : int(config, 'n_inner');
  const eps = epsilon(config, 'layer_norm_epsilon', 1e-5);
  const act = activation(config, 'activation_function', 'gelu_new');
  if (d % heads !== 0) throw new ImportError(`config.json: n_embd ${d} is not divisible by n_head ${heads}`);
  if (config.scale_attn_weights === false || config.scale_attn_by_inverse_layer_idx === true || config.reorder_and_upcast_attn === true)
    throw new ImportError('config.json: scale_attn_weights false, scale_attn_by_inverse_layer_idx or reorder_and_upcast_attn are not supported');
  map.copy('wte.weight', 'embed/tokens', [vocab, d]);
  map.copy('wpe.weight', 'embed/positions', [positions, d]);
  const backbone: LayerSpec[] = [{ kind: 'embedding', name: 'embed', vocab, dim: d, positions }];
  for (let i = 0; i < layers; i++) {
    const [hf, block] = [`h.${i}`, `block${i + 1}`];
    backbone.push({ kind: 'block', name: block, heads, mlpRatio: hidden / d, hidden, causal: true, norm: 'pre', activation: act, eps });
    map.norm(`${hf}.ln_1`, `${block}/ln1`, d);
    map.fusedQkv(`${hf}.attn.c_attn`, block, d);
    map.copy(`${hf}.attn.c_proj.weight`, `${block}/attn/o/kernel`, [d, d]);
    map.copy(`${hf}.attn.c_proj.bias`, `${block}/attn/o/bias`, [d]);
    map.norm(`${hf}.ln_2`, `${block}/ln2`, d);
    map.copy(`${hf}.mlp.c_fc.weight`, `${block}/mlp/fc1/kernel`, [d, hidden]);
    map.copy(`${hf}.mlp.c_fc.bias`, `${block}/mlp/fc1/bias`, [hidden]);
    map.copy(`${hf}.mlp.c_proj.weight`, `${block}/mlp/fc2/kernel`, [hidden, d]);
    map.copy(`${hf}.mlp.c_proj.bias`, `${block}/mlp/fc2/bias`, [d]);
  }
  map.norm('ln_f', 'ln_f', d);
  backbone.push({ kind: 'norm', name: 'ln_f', eps });
  // The LM head is wte itself unless the config unties it (then lm_head.weight [vocab, d], no bias).
  const untied = config.tie_word_embeddings === false;
  if (untied) map.linear('lm_head.weight', `${PRETRAIN_HEAD}/kernel`, vocab, d, false);
  const head: HeadSpecs = { pretrain: untied ? { bias: false } : { tied: 'embed/tokens', bias: false } };
  return { spec: { inputShape: [positions, 1, 1], backbone, headUnits: vocab, frozen: [], heads: head }, warnings: [] };
}

function bert(config: Config, map: TensorMap): { spec: ImportedEngineSpec; classifierUnits: number | null; warnings: string[] } {
  const vocab = int(config, 'vocab_size', 30522);
  const d = int(config, 'hidden_size', 768);
  const layers = int(config, 'num_hidden_layers', 12);
  const heads = int(config, 'num_attention_heads', 12);
  const hidden = int(config, 'intermediate_size', 3072);
  const positions = int(config, 'max_position_embeddings', 512);
  const types = int(config, 'type_vocab_size', 2);
  const eps = epsilon(config, 'layer_norm_eps', 1e-12);
  const act = activation(config, 'hidden_act', 'gelu');
  const pad = config.pad_token_id ?? 0;
  if (!Number.isSafeInteger(pad) || (pad as number) < 0) throw new ImportError(`config.json: pad_token_id is ${JSON.stringify(pad)}, not a token id`);
  if (d % heads !== 0) throw new ImportError(`config.json: hidden_size ${d} is not divisible by num_attention_heads ${heads}`);
  if ((config.position_embedding_type ?? 'absolute') !== 'absolute')
    throw new ImportError(`config.json: position_embedding_type '${String(config.position_embedding_type)}' is not supported; RetainLab runs 'absolute'`);
  if (config.is_decoder === true) throw new ImportError('config.json: is_decoder true (a BERT decoder) is not supported');
  map.copy('embeddings.word_embeddings.weight', 'embed/tokens', [vocab, d]);
  map.copy('embeddings.position_embeddings.weight', 'embed/positions', [positions, d]);
  map.copy('embeddings.token_type_embeddings.weight', 'embed/types', [types, d]);
  map.norm('embeddings.LayerNorm', 'embed_ln', d);
  const backbone: LayerSpec[] = [
    { kind: 'embedding', name: 'embed', vocab, dim: d, positions, typeVocab: types, padToken: pad as number },
    { kind: 'norm', name: 'embed_ln', eps },
  ];
  for (let i = 0; i < layers; i++) {
    const [hf, block] = [`encoder.layer.${i}`, `block${i + 1}`];
    backbone.push({ kind: 'block', name: block, heads, mlpRatio: hidden / d, hidden, causal: false, norm: 'post', activation: act, eps });
    for (const [p, name] of [
      ['q', 'attention.self.query'],
      ['k', 'attention.self.key'],
      ['v', 'attention.self.value'],
      ['o', 'attention.output.dense'],
    ]) {
      map.linear(`${hf}.${name}.weight`, `${block}/attn/${p}/kernel`, d, d);
      map.copy(`${hf}.${name}.bias`, `${block}/attn/${p}/bias`, [d]);
    }
    map.norm(`${hf}.attention.output.LayerNorm`, `${block}/ln1`, d);
    map.linear(`${hf}.intermediate.dense.weight`, `${block}/mlp/fc1/kernel`, hidden, d);
    map.copy(`${hf}.intermediate.dense.bias`, `${block}/mlp/fc1/bias`, [hidden]);
    map.linear(`${hf}.output.dense.weight`, `${block}/mlp/fc2/kernel`, d, hidden);
    map.copy(`${hf}.output.dense.bias`, `${block}/mlp/fc2/bias`, [d]);
    map.norm(`${hf}.output.LayerNorm`, `${block}/ln2`, d);
  }
  const warnings: string[] = [];
  const heads_: HeadSpecs = {
    // Masked-LM head: dense + activation + LayerNorm per position, then the word embeddings transposed, plus a bias.
    pretrain: {
      layers: [
        { kind: 'dense', name: `${PRETRAIN_HEAD}/transform`, units: d, activation: act },
        { kind: 'norm', name: `${PRETRAIN_HEAD}/ln`, eps },
      ],
      tied: 'embed/tokens',
    },
    // A classifier reads the pooler: tanh(dense) of the first token ([CLS]).
    target: {
      layers: [
        { kind: 'pool', name: 'cls', mode: 'first' },
        { kind: 'dense', name: 'pooler', units: d, activation: 'tanh' },
      ],
    },
  };
  if (map.find('pooler.dense.weight')) {
    map.linear('pooler.dense.weight', 'pooler/kernel', d, d);
    map.copy('pooler.dense.bias', 'pooler/bias', [d]);
  } else warnings.push('The checkpoint has no pooler (bert.pooler.dense): a classification head reads a freshly initialised pooler.');
  if (map.find('cls.predictions.transform.dense.weight', false)) {
    map.linear('cls.predictions.transform.dense.weight', `${PRETRAIN_HEAD}/transform/kernel`, d, d, false);
    map.copy('cls.predictions.transform.dense.bias', `${PRETRAIN_HEAD}/transform/bias`, [d], false);
    map.norm('cls.predictions.transform.LayerNorm', `${PRETRAIN_HEAD}/ln`, d, false);
    const bias = map.find('cls.predictions.bias', false) ? 'cls.predictions.bias' : 'cls.predictions.decoder.bias';
    map.copy(bias, `${PRETRAIN_HEAD}/bias`, [vocab], false);
  } else warnings.push('The checkpoint has no masked-LM head (cls.predictions, a BertModel): masked-LM retention would be measured through an untrained head.');
  let classifierUnits: number | null = null;
  const classifier = map.find('classifier.weight', false);
  if (classifier) {
    classifierUnits = int(config, 'num_labels', map.shapeOf(classifier)[0]);
    map.linear('classifier.weight', `${TARGET_HEAD}/kernel`, classifierUnits, d, false);
    map.copy('classifier.bias', `${TARGET_HEAD}/bias`, [classifierUnits], false);
  }
  return { spec: { inputShape: [positions, 1, 1], backbone, headUnits: vocab, frozen: [], heads: heads_ }, classifierUnits, warnings };
}

/** Buffers and tied copies a checkpoint may store that carry no weights of their own. */
const IGNORED = /(^|\.)attn\.(masked_)?bias$|(^|\.)position_ids$|^lm_head\.weight$|^cls\.predictions\.decoder\.weight$/;

/**
 * Maps a Hugging Face checkpoint (its parsed config.json and safetensors) onto the engine: the
 * architecture as LayerSpecs and head specs, every tensor under its engine name. An unsupported
 * model_type, a missing tensor or one whose shape disagrees with the config is refused by name.
 */
export function hfModelFrom(config: Config, ckpt: SafetensorsCheckpoint): HfModel {
  const type = config.model_type;
  if (type !== 'gpt2' && type !== 'bert')
    throw new ImportError(
      `config.json: model_type ${JSON.stringify(type) ?? 'is missing'}${type === undefined ? '' : ' is not supported'}; RetainLab imports ${Object.entries(
        HF_FAMILIES,
      )
        .map(([k, v]) => `${k} (${v})`)
        .join(' and ')}`,
    );
  const map = new TensorMap(ckpt, type === 'gpt2' ? 'transformer.' : 'bert.');
  const built = type === 'gpt2' ? { ...gpt2(config, map), classifierUnits: null } : bert(config, map);
  const unused = map.unused(IGNORED);
  const warnings = [...built.warnings];
  if (unused.length)
    warnings.push(`${unused.length} tensor(s) of the checkpoint are not used: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''}`);
  return { family: type, config, spec: built.spec, ...map.materialise(), classifierUnits: built.classifierUnits, warnings };
}

/** A Hub folder's config.json as an object (refused when missing or not JSON). */
export function readHfConfig(folder: string): Config {
  const path = join(folder, 'config.json');
  if (!existsSync(path))
    throw new ImportError(
      `${basename(folder)} holds no config.json: a Hugging Face checkpoint is a folder with config.json, model.safetensors and its tokenizer files`,
    );
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ImportError(`config.json is not valid JSON (${(err as Error).message})`);
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw new ImportError('config.json does not hold a JSON object');
  return config as Config;
}

/** Reads a Hub folder's config.json and safetensors and maps them onto the engine. */
export function readHfModel(folder: string): HfModel {
  return hfModelFrom(readHfConfig(folder), openSafetensorsFolder(folder));
}
