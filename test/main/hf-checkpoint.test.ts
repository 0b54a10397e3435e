import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Model } from '../../src-main/engine/models/model';
import { readHfModel, type HfModel } from '../../src-main/import/models/hf-checkpoint';
import { openSafetensorsFolder } from '../../src-main/import/models/safetensors';
import { f32, writeSafetensors, type RawTensor } from './safetensors-fixtures';

const GOLDEN = join(__dirname, '..', 'fixtures', 'golden', 'hf');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The golden checkpoint's tensors, renamed/converted by `edit` (null drops one), plus `extra` ones, written with its (edited) config into a new folder. */
function variant(
  dir: string,
  edit: (name: string, t: RawTensor) => [string, RawTensor] | null,
  config?: (c: Record<string, unknown>) => void,
  extra?: (read: (name: string) => Float32Array) => Record<string, RawTensor>,
): string {
  const src = join(GOLDEN, dir);
  const ckpt = openSafetensorsFolder(src);
  const out: Record<string, RawTensor> = {};
  for (const [name, entry] of ckpt.entries) {
    const edited = edit(name, f32(entry.shape, ckpt.read(name)));
    if (edited) out[edited[0]] = edited[1];
  }
  Object.assign(
    out,
    extra?.((name) => ckpt.read(name)),
  );
  const folder = mkdtempSync(join(tmpdir(), 'hf-variant-'));
  writeSafetensors(join(folder, 'model.safetensors'), out);
  const json = JSON.parse(readFileSync(join(src, 'config.json'), 'utf8'));
  config?.(json);
  writeFileSync(join(folder, 'config.json'), JSON.stringify(json));
  copyFileSync(join(src, 'tokenizer.json'), join(folder, 'tokenizer.json'));
  return folder;
}

function logits(hf: HfModel, ids: number[][]): Float32Array {
  const { inputShape, backbone, headUnits, heads } = hf.spec;
  const model = new Model({ recipe: 'imported', inputShape, backbone, pretrainClasses: headUnits, targetClasses: null, heads }, 0, hf.weights);
  const out = tf.tidy(() => model.logits(tf.tensor2d(ids.flat(), [ids.length, ids[0].length]), 'pretrain').dataSync() as Float32Array);
  model.dispose();
  return out;
}

/** The float16 bits of a float32, truncated (normal range only: the golden weights are small but not tiny). */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const bits = new Uint32Array(f.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign;
  return sign | (exp << 10) | ((bits >>> 13) & 0x3ff);
}

const IDS = [
  [1, 5, 9, 40, 2, 3],
  [7, 7, 0, 12, 88, 4],
];

describe('Hugging Face checkpoint → engine', () => {
  it('GPT-2 maps names without the transformer. prefix, ignores causal-mask buffers, reads float16, and splits c_attn into q, k, v', () => {
    const golden = readHfModel(join(GOLDEN, 'gpt2-tiny'));
    expect(golden.spec.backbone.map((l) => l.kind)).toEqual(['embedding', 'block', 'block', 'norm']);
    expect(golden.spec.heads?.pretrain).toEqual({ tied: 'embed/tokens', bias: false });
    expect(golden.sources.get('transformer.h.0.attn.c_attn.weight')).toEqual(['block1/attn/q/kernel', 'block1/attn/k/kernel', 'block1/attn/v/kernel']);
    const plain = variant('gpt2-tiny', (name, t) => [name.replace(/^transformer\./, ''), t]);
    expect(Array.from(logits(readHfModel(plain), IDS))).toEqual(Array.from(logits(golden, IDS)));
    // Causal-mask buffers as older checkpoints store them, and the tied LM head stored as a copy of wte.
    const mask = f32([1, 1, 32, 32], new Float32Array(32 * 32).fill(1));
    const withBuffers = variant(
      'gpt2-tiny',
      (name, t) => [name, t],
      undefined,
      (read) => ({
        'transformer.h.0.attn.bias': mask,
        'transformer.h.1.attn.masked_bias': f32([], [-1e4]),
        'lm_head.weight': f32([97, 16], read('transformer.wte.weight')),
      }),
    );
    const buffered = readHfModel(withBuffers);
    expect(buffered.warnings).toEqual([]);
    expect(Array.from(logits(buffered, IDS))).toEqual(Array.from(logits(golden, IDS)));
    const half = readHfModel(
      variant('gpt2-tiny', (name, t) => {
        const values = new Float32Array(t.bytes.buffer);
        return [name, { dtype: 'F16', shape: t.shape, bytes: new Uint8Array(Uint16Array.from(values, toHalf).buffer) }];
      }),
    );
    const [a, b] = [logits(half, IDS), logits(golden, IDS)];
    // Half precision keeps about three significant digits.
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(0.05));
  });

  it('runs sequences shorter than the position table and refuses longer ones by name', () => {
    const golden = readHfModel(join(GOLDEN, 'gpt2-tiny'));
    expect(logits(golden, [[1, 2, 3]]).length).toBe(3 * 97);
    expect(() => logits(golden, [Array.from({ length: 33 }, () => 1)])).toThrow(/embed: sequences of 33 tokens, but the model has positions for 32/);
  });

  it('BERT maps old LayerNorm.gamma/beta names and names without the bert. prefix', () => {
    const golden = readHfModel(join(GOLDEN, 'bert-tiny'));
    expect(golden.classifierUnits).toBe(3);
    const old = readHfModel(
      variant('bert-tiny', (name, t) => [
        name
          .replace(/^bert\./, '')
          .replace(/LayerNorm\.weight$/, 'LayerNorm.gamma')
          .replace(/LayerNorm\.bias$/, 'LayerNorm.beta'),
        t,
      ]),
    );
    expect(Array.from(logits(old, IDS))).toEqual(Array.from(logits(golden, IDS)));
    expect(old.warnings).toEqual([]);
  });

  it('refuses an unsupported model_type naming the supported ones, and a missing config field value', () => {
    const llama = variant(
      'gpt2-tiny',
      (n, t) => [n, t],
      (c) => (c.model_type = 'llama'),
    );
    expect(() => readHfModel(llama)).toThrow(
      /model_type "llama" is not supported; RetainLab imports gpt2 \(GPT2LMHeadModel.*\) and bert \(BertModel, BertForMaskedLM, BertForSequenceClassification\)/,
    );
    const bad = variant(
      'gpt2-tiny',
      (n, t) => [n, t],
      (c) => (c.n_head = 0),
    );
    expect(() => readHfModel(bad)).toThrow(/config\.json: n_head is 0, not a positive whole number/);
  });

  it('refuses a config whose sizes disagree with a tensor, naming the tensor, and a missing tensor', () => {
    const wide = variant(
      'bert-tiny',
      (n, t) => [n, t],
      (c) => (c.intermediate_size = 48),
    );
    expect(() => readHfModel(wide)).toThrow(
      /Tensor 'bert\.encoder\.layer\.0\.intermediate\.dense\.weight' has shape \[40, 16\], but config\.json's sizes make it \[48, 16\]/,
    );
    const missing = variant('gpt2-tiny', (n, t) => (n === 'transformer.h.1.mlp.c_fc.bias' ? null : [n, t]));
    expect(() => readHfModel(missing)).toThrow(/The checkpoint has no tensor 'transformer\.h\.1\.mlp\.c_fc\.bias'/);
  });
});
