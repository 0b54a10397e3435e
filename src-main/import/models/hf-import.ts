import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ImportedModelSummary, ModelLayerInfo } from '../../../src-shared/datasets';
import { insertImportedModel } from '../../db/imported-models';
import type { Db } from '../../db/types';
import { backboneKernelKinds, PRETRAIN_HEAD, TARGET_HEAD } from '../../engine/models/layers';
import { ImportError } from '../import-error';
import { entryPath, openZip } from '../zip-archive';
import { readHfModel, type HfModel } from './hf-checkpoint';
import { readHfTokenizer } from './hf-tokenizer';

/** What the store keeps of a Hugging Face checkpoint besides its weights (as the record's topology): enough to tokenise text for it again. */
export interface HfTopology {
  format: 'huggingface';
  config: Record<string, unknown>;
  /** tokenizer.json as @huggingface/tokenizers reads it (built from vocab.txt or vocab.json + merges.txt when those were all there was). */
  tokenizer: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
}

/** The files of a Hub folder the import reads. */
const HUB_FILE =
  /^(config\.json|tokenizer\.json|tokenizer_config\.json|vocab\.txt|vocab\.json|merges\.txt|special_tokens_map\.json|model\.safetensors\.index\.json|[^/]*\.safetensors)$/;

function isHubFolder(folder: string): boolean {
  const names = readdirSync(folder);
  return names.includes('config.json') || names.some((n) => n.endsWith('.safetensors') || n === 'model.safetensors.index.json');
}

/** The folder of a Hub checkpoint at `path` (itself, or its single subfolder as a dropped folder has it), or null when it is none. */
export function hubFolderAt(path: string): string | null {
  if (!existsSync(path) || !statSync(path).isDirectory()) return null;
  if (isHubFolder(path)) return path;
  const entries = readdirSync(path, { withFileTypes: true });
  const dirs = entries.filter((e) => e.isDirectory());
  if (dirs.length === 1 && entries.length === 1 && isHubFolder(join(path, dirs[0].name))) return join(path, dirs[0].name);
  return null;
}

/** Whether `path` is a zip file (by its name, as the import panel offers it). */
function isZip(path: string): boolean {
  if (!existsSync(path) || !statSync(path).isFile()) return false;
  return path.toLowerCase().endsWith('.zip');
}

/**
 * The Hub files of a zip (at its root or in one top folder), written to a temporary folder (safetensors
 * are read at offsets, which a zip member cannot be); null when the zip holds no config.json or safetensors.
 */
async function unzipHubFiles(path: string): Promise<string | null> {
  const zip = await openZip(path);
  try {
    const files = zip.entries.map((e) => ({ input: e, rel: entryPath(basename(path), e) }));
    const top = files.every((f) => f.rel.includes('/')) ? files[0]?.rel.split('/')[0] : null;
    const within = files
      .map((f) => ({ ...f, rel: top && f.rel.startsWith(`${top}/`) ? f.rel.slice(top.length + 1) : f.rel }))
      .filter((f) => HUB_FILE.test(f.rel));
    if (!within.some((f) => f.rel === 'config.json' || f.rel.endsWith('.safetensors'))) return null;
    const folder = mkdtempSync(join(tmpdir(), 'retainlab-hf-'));
    try {
      for (const f of within) await pipeline(await f.input.open(), createWriteStream(join(folder, f.rel)));
    } catch (err) {
      rmSync(folder, { recursive: true, force: true });
      throw err;
    }
    return folder;
  } finally {
    zip.close();
  }
}

function classOf(layer: string, family: HfModel['family']): string {
  if (layer === 'embed') return 'Embedding';
  if (/(^|\/)(ln\d?|ln_f|embed_ln)$/.test(layer)) return 'LayerNorm';
  if (layer === 'pooler') return 'Linear (tanh pooler)';
  if (layer === `${PRETRAIN_HEAD}/transform`) return 'Linear (masked-LM transform)';
  // GPT-2 stores its projections as Conv1D ([in, out]); BERT as torch Linear.
  return family === 'gpt2' && /\/(attn|mlp)\//.test(layer) ? 'Conv1D' : 'Linear';
}

/** The layer table of a mapped checkpoint: one row per engine layer with weights, in forward order, the head last. */
function layerTable(hf: HfModel): ModelLayerInfo[] {
  const { spec } = hf;
  const context = spec.inputShape[0];
  const kinds = backboneKernelKinds({
    recipe: 'imported',
    inputShape: spec.inputShape,
    backbone: spec.backbone,
    pretrainClasses: spec.headUnits,
    targetClasses: null,
  });
  const rows = new Map<string, ModelLayerInfo>();
  for (const { name, shape, length: size } of hf.manifest) {
    if (name.startsWith(`${TARGET_HEAD}/`)) continue;
    const layer = name.slice(0, name.lastIndexOf('/'));
    const width = name.endsWith('/kernel') ? shape[1] : shape[shape.length - 1];
    const row = rows.get(layer) ?? {
      name: layer,
      className: layer === PRETRAIN_HEAD ? 'LM head' : classOf(layer, hf.family),
      outputShape: layer === 'pooler' ? [width] : [context, width],
      params: 0,
      trainable: true,
      loraAdaptable: kinds.has(layer),
      role: layer === PRETRAIN_HEAD || layer.startsWith(`${PRETRAIN_HEAD}/`) ? 'head' : 'backbone',
    };
    row.params += size;
    rows.set(layer, row);
  }
  const tied = spec.heads?.pretrain?.tied;
  const head = rows.get(PRETRAIN_HEAD) ?? { name: PRETRAIN_HEAD, params: 0, trainable: true, loraAdaptable: false, role: 'head' as const };
  rows.delete(PRETRAIN_HEAD);
  rows.set(PRETRAIN_HEAD, {
    ...head,
    className: tied ? `LM head (tied to ${tied})` : 'LM head',
    outputShape: [context, spec.headUnits],
  } as ModelLayerInfo);
  return [...rows.values()];
}

async function importFolder(db: Db, folder: string, id: string, origin: string, name?: string): Promise<ImportedModelSummary> {
  const hf = readHfModel(folder);
  const tokenizer = readHfTokenizer(folder, hf.family, hf.spec.headUnits);
  for (const [weight, values] of hf.weights) {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ImportError(`Tensor of ${weight} holds ${values[bad]} (value ${bad + 1} of ${values.length}): the checkpoint is damaged`);
  }
  const warnings = [...hf.warnings];
  // A study trains its own classifier on the pooled output; the checkpoint's is not kept. It lies
  // last in the buffer, so the weights kept are a prefix of it (stored without a copy).
  const manifest = hf.manifest.filter((e) => !e.name.startsWith(`${TARGET_HEAD}/`));
  if (hf.classifierUnits !== null)
    warnings.push(`The checkpoint's classifier (${hf.classifierUnits} labels) is not kept: a study trains a new head on the pooled output.`);
  const paramCount = manifest.reduce((n, e) => n + e.length, 0);
  const weights = new Uint8Array(hf.data.buffer, hf.data.byteOffset, paramCount * 4);
  const topology: HfTopology = { format: 'huggingface', config: hf.config, tokenizer: tokenizer.json, tokenizerConfig: tokenizer.config };
  return insertImportedModel(db, {
    summary: {
      id,
      name: name ?? origin,
      origin,
      inputShape: hf.spec.inputShape,
      headLayer: PRETRAIN_HEAD,
      classes: hf.spec.headUnits,
      paramCount,
      trainableParamCount: paramCount,
      layers: layerTable(hf),
      warnings,
      format: 'huggingface',
      family: hf.family,
      tokenizer: tokenizer.summary,
    },
    engineSpec: hf.spec,
    topology,
    manifest,
    weights,
  });
}

/**
 * Imports a Hugging Face checkpoint (a Hub folder, or a zip of one) if `path` is one: config.json,
 * safetensors (single or sharded) and the tokenizer files. Returns null when `path` is not a Hub
 * checkpoint (the caller tries a TensorFlow.js model). Nothing is stored unless all of it reads.
 */
export async function importHfModelAt(db: Db, path: string, id: string, name?: string): Promise<ImportedModelSummary | null> {
  const folder = hubFolderAt(path);
  if (folder) return importFolder(db, folder, id, basename(folder), name);
  if (!isZip(path)) return null;
  const unzipped = await unzipHubFiles(path);
  if (!unzipped) return null;
  try {
    return await importFolder(db, unzipped, id, basename(path).replace(/\.zip$/i, ''), name);
  } finally {
    rmSync(unzipped, { recursive: true, force: true });
  }
}
