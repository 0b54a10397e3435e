import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseModelSpecSchema } from '../../src-shared/run-record';
import { getImportedModel, listImportedModelSummaries } from '../../src-main/db/imported-models';
import { decodeCheckpoint } from '../../src-main/engine/models/checkpoint';
import { Model } from '../../src-main/engine/models/model';
import { modelSpecFor } from '../../src-main/engine/models/model-spec';
import { writeZip } from '../../src-main/export/write-zip';
import { readHfModel } from '../../src-main/import/models/hf-checkpoint';
import type { HfTopology } from '../../src-main/import/models/hf-import';
import { importModelAt } from '../../src-main/import/models/model-import';
import { openSafetensorsFolder } from '../../src-main/import/models/safetensors';
import { tempStores } from './import-helpers';
import { f32, writeSafetensors } from './safetensors-fixtures';

const GOLDEN = join(__dirname, '..', 'fixtures', 'golden', 'hf');
const store = tempStores();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A copy of a golden folder (without `drop`) that a test may damage. */
function copyOf(dir: string, drop: string[] = []): string {
  const folder = join(mkdtempSync(join(tmpdir(), 'hf-import-')), dir);
  mkdirSync(folder);
  for (const f of readdirSync(join(GOLDEN, dir))) if (!drop.includes(f)) copyFileSync(join(GOLDEN, dir, f), join(folder, f));
  return folder;
}

describe('importing a Hugging Face checkpoint into the store', () => {
  it('stores the GPT-2 folder with its layer table and tokenizer, and the stored model computes what the checkpoint does', async () => {
    const { db } = store();
    const summary = await importModelAt(db, copyOf('gpt2-tiny'), 'model-1');
    expect(summary).toMatchObject({ name: 'gpt2-tiny', format: 'huggingface', family: 'gpt2', inputShape: [32, 1, 1], headLayer: 'head', classes: 97 });
    expect(summary.tokenizer).toMatchObject({ source: 'tokenizer.json', model: 'BPE', vocabSize: 97, specialTokens: ['<|endoftext|>'] });
    expect(summary.layers.slice(0, 4).map((l) => [l.name, l.className, l.loraAdaptable])).toEqual([
      ['embed', 'Embedding', false],
      ['block1/ln1', 'LayerNorm', false],
      ['block1/attn/q', 'Conv1D', true],
      ['block1/attn/k', 'Conv1D', true],
    ]);
    expect(summary.layers[summary.layers.length - 1]).toMatchObject({ name: 'head', className: 'LM head (tied to embed/tokens)', role: 'head', params: 0 });
    // wte + wpe + 2 blocks (2 norms, c_attn, c_proj, c_fc, c_proj) + ln_f, each stored tensor once.
    expect(summary.paramCount).toBe(97 * 16 + 32 * 16 + 2 * (4 * 16 + 16 * 48 + 48 + 16 * 16 + 16 + 16 * 64 + 64 + 64 * 16 + 16) + 2 * 16);
    expect(summary.layers.reduce((n, l) => n + l.params, 0)).toBe(summary.paramCount);

    const stored = getImportedModel(db, 'model-1')!;
    expect((stored.topology as HfTopology).tokenizer).toEqual(JSON.parse(readFileSync(join(GOLDEN, 'gpt2-tiny', 'tokenizer.json'), 'utf8')));
    // The run config carries the architecture (heads included) and the engine builds it from there.
    const base = baseModelSpecSchema.shape.imported.parse({ id: 'model-1', ...stored.engineSpec });
    const spec = modelSpecFor({ recipe: 'imported', imported: base } as Parameters<typeof modelSpecFor>[0], null);
    const model = new Model(spec, 0, decodeCheckpoint({ manifest: stored.manifest, data: stored.weights }));
    const direct = readHfModel(join(GOLDEN, 'gpt2-tiny'));
    const reference = new Model({ ...spec, heads: direct.spec.heads }, 0, direct.weights);
    const x = tf.tensor2d([[3, 1, 4, 1, 5, 9, 2, 6]]);
    expect(Array.from(tf.tidy(() => model.logits(x, 'pretrain').dataSync()))).toEqual(Array.from(tf.tidy(() => reference.logits(x, 'pretrain').dataSync())));
    tf.dispose([x]);
    model.dispose();
    reference.dispose();
  });

  it('imports a zip of the BERT folder (a Hub folder inside), keeping its masked-LM head and saying its classifier is not kept', async () => {
    const { db, dir } = store();
    const files = readdirSync(join(GOLDEN, 'bert-tiny')).map((f) => ({ name: `bert-tiny/${f}`, data: readFileSync(join(GOLDEN, 'bert-tiny', f)) }));
    const zip = join(dir, 'bert-tiny.zip');
    writeFileSync(zip, await writeZip(files));
    const summary = await importModelAt(db, zip, 'model-2');
    expect(summary).toMatchObject({ name: 'bert-tiny', family: 'bert', classes: 89, inputShape: [24, 1, 1] });
    expect(summary.tokenizer).toMatchObject({ model: 'WordPiece', padId: 0 });
    expect(summary.warnings.join(' ')).toMatch(/classifier \(3 labels\) is not kept/);
    expect(summary.layers.map((l) => l.name)).toEqual(expect.arrayContaining(['embed_ln', 'pooler', 'head/transform', 'head/ln', 'block2/mlp/fc2']));
    const stored = getImportedModel(db, 'model-2')!;
    expect(stored.manifest.some((e) => e.name.startsWith('target_head/'))).toBe(false);
    // A study's new 2-class head on the pooled [CLS] builds on the stored weights.
    const { inputShape, backbone, headUnits, heads } = stored.engineSpec;
    const model = new Model(
      { recipe: 'imported', inputShape, backbone, pretrainClasses: headUnits, targetClasses: 2, heads },
      0,
      decodeCheckpoint({ manifest: stored.manifest, data: stored.weights }),
    );
    const ids = tf.tensor2d([[2, 40, 41, 3, 0, 0]]);
    expect(tf.tidy(() => model.logits(ids, 'target').shape)).toEqual([1, 2]);
    expect(tf.tidy(() => model.logits(ids, 'pretrain').shape)).toEqual([6, 89]);
    ids.dispose();
    model.dispose();
  });

  it('imports a sharded checkpoint (index + shards) to the same weights as the single file', async () => {
    const { db } = store();
    const folder = copyOf('gpt2-tiny', ['model.safetensors']);
    const ckpt = openSafetensorsFolder(join(GOLDEN, 'gpt2-tiny'));
    const names = [...ckpt.entries.keys()];
    const shards = [names.slice(0, 10), names.slice(10)];
    const weightMap: Record<string, string> = {};
    shards.forEach((part, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      writeSafetensors(join(folder, file), Object.fromEntries(part.map((n) => [n, f32(ckpt.entries.get(n)!.shape, ckpt.read(n))])));
      for (const n of part) weightMap[n] = file;
    });
    writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    await importModelAt(db, folder, 'sharded');
    await importModelAt(db, copyOf('gpt2-tiny'), 'single');
    const [a, b] = ['sharded', 'single'].map((id) => getImportedModel(db, id)!);
    expect(a.manifest).toEqual(b.manifest);
    expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).toBe(true);
  });

  const bad: [string, () => string, RegExp][] = [
    [
      'a missing config.json',
      () => copyOf('gpt2-tiny', ['config.json']),
      /gpt2-tiny holds no config\.json: a Hugging Face checkpoint is a folder with config\.json, model\.safetensors/,
    ],
    [
      'a missing tokenizer',
      () => copyOf('bert-tiny', ['tokenizer.json']),
      /bert-tiny has no tokenizer: a BERT checkpoint needs tokenizer\.json \(or vocab\.txt\)/,
    ],
    [
      'a truncated safetensors file',
      () => {
        const f = copyOf('gpt2-tiny');
        const bytes = readFileSync(join(f, 'model.safetensors'));
        writeFileSync(join(f, 'model.safetensors'), bytes.subarray(0, bytes.length - 100));
        return f;
      },
      /model\.safetensors is truncated or damaged: tensor 'transformer\.ln_f\.weight' ends at byte 34560 of a data section of 34524 bytes/,
    ],
    [
      'an unsupported model_type',
      () => {
        const f = copyOf('gpt2-tiny');
        writeFileSync(join(f, 'config.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(f, 'config.json'), 'utf8')), model_type: 't5' }));
        return f;
      },
      /model_type "t5" is not supported; RetainLab imports gpt2 .* and bert/,
    ],
    [
      'a config whose shapes disagree with the tensors',
      () => {
        const f = copyOf('gpt2-tiny');
        writeFileSync(join(f, 'config.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(f, 'config.json'), 'utf8')), vocab_size: 100 }));
        return f;
      },
      /Tensor 'transformer\.wte\.weight' has shape \[97, 16\], but config\.json's sizes make it \[100, 16\]/,
    ],
    [
      'an int8 (quantised) tensor',
      () => {
        const f = copyOf('gpt2-tiny', ['model.safetensors']);
        writeSafetensors(join(f, 'model.safetensors'), { 'transformer.wte.weight': { dtype: 'I8', shape: [97, 16], bytes: new Uint8Array(97 * 16) } });
        return f;
      },
      /tensor 'transformer\.wte\.weight' is I8 \(integer or quantised\)/,
    ],
  ];
  it.each(bad)('refuses %s with a specific message and leaves the store unchanged', async (_, make, message) => {
    const { db } = store();
    await importModelAt(db, copyOf('gpt2-tiny'), 'model-ok');
    const before = listImportedModelSummaries(db);
    await expect(importModelAt(db, make(), 'model-bad')).rejects.toThrow(message);
    expect(listImportedModelSummaries(db)).toEqual(before);
    expect(getImportedModel(db, 'model-bad')).toBeNull();
  });
});
