import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { getImportedModel, listImportedModelSummaries } from '../../src-main/db/imported-models';
import { decodeCheckpoint } from '../../src-main/engine/models/checkpoint';
import { Model } from '../../src-main/engine/models/model';
import { importModelAt } from '../../src-main/import/models/model-import';
import { readTfjsModelFiles } from '../../src-main/import/models/tfjs-files';
import { tempStores } from './import-helpers';

const MODELS = join(__dirname, '..', 'fixtures', 'models');
const store = tempStores();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('importing a TensorFlow.js LayersModel', () => {
  it('stores a model saved by tfjs with its layer table, head, parameter counts and LoRA-adaptable layers', async () => {
    const { db } = store();
    const summary = await importModelAt(db, join(MODELS, 'cnn', 'model.json'), 'model-1');
    expect(summary).toMatchObject({ name: 'cnn', inputShape: [8, 8, 1], headLayer: 'out', classes: 3 });
    expect(summary.layers.map((l) => [l.name, l.className, l.role, l.loraAdaptable])).toEqual([
      ['conv', 'Conv2D', 'backbone', true],
      ['conv_relu', 'ReLU', 'skipped', false],
      ['drop', 'Dropout', 'skipped', false],
      ['flat', 'Flatten', 'backbone', false],
      ['hidden', 'Dense', 'backbone', true],
      ['out', 'Dense', 'head', true],
    ]);
    // conv 3·3·1·4+4, hidden 6·6·4·6+6, out 6·3+3
    expect(summary.paramCount).toBe(40 + 870 + 21);
    expect(summary.layers.find((l) => l.name === 'hidden')!.outputShape).toEqual([6]);
    expect(summary.warnings.join(' ')).toMatch(/Dropout layer is skipped/);
    expect(listImportedModelSummaries(db).map((m) => m.id)).toEqual(['model-1']);
  });

  it("maps the model onto the engine so the engine's logits equal the tfjs model's pre-softmax outputs", async () => {
    const { db } = store();
    await importModelAt(db, join(MODELS, 'cnn'), 'model-1');
    const stored = getImportedModel(db, 'model-1')!;
    const spec = {
      recipe: 'imported',
      inputShape: stored.engineSpec.inputShape,
      backbone: stored.engineSpec.backbone,
      pretrainClasses: stored.engineSpec.headUnits,
      targetClasses: null,
    };
    const engine = new Model(spec, 0, decodeCheckpoint({ manifest: stored.manifest, data: stored.weights }));
    const original = await loadLayersModel({ load: async () => readTfjsModelFiles(join(MODELS, 'cnn')).artifacts });
    const x = tf.randomUniform([5, 64], 0, 1, 'float32', 7) as tf.Tensor2D;
    const engineProbs = tf.softmax(engine.logits(x, 'pretrain'));
    const tfjsProbs = original.predict(tf.reshape(x, [5, 8, 8, 1])) as tf.Tensor;
    const a = await engineProbs.data();
    const b = await tfjsProbs.data();
    expect(a.length).toBe(15);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
    engine.dispose();
    original.dispose();
  });

  it('refuses a model.json whose weight shard is missing, naming the file, and stores nothing', async () => {
    const { db, dir } = store();
    const folder = join(dir, 'no-shard');
    mkdirSync(folder);
    copyFileSync(join(MODELS, 'cnn', 'model.json'), join(folder, 'model.json'));
    await expect(importModelAt(db, folder, 'model-1')).rejects.toThrow("model.json needs the weight file 'weights.bin', which is missing next to it");
    expect(listImportedModelSummaries(db)).toEqual([]);
  });

  it('refuses a shard that is shorter than its manifest says', async () => {
    const { db, dir } = store();
    const folder = join(dir, 'short');
    mkdirSync(folder);
    copyFileSync(join(MODELS, 'cnn', 'model.json'), join(folder, 'model.json'));
    writeFileSync(join(folder, 'weights.bin'), readFileSync(join(MODELS, 'cnn', 'weights.bin')).subarray(0, 100));
    await expect(importModelAt(db, folder, 'model-1')).rejects.toThrow('the weight files hold 100 bytes but its manifest describes 3724');
  });

  it('refuses a layer the engine cannot run (an LSTM), naming it and what is supported', async () => {
    const { db } = store();
    await expect(importModelAt(db, join(MODELS, 'lstm', 'model.json'), 'model-1')).rejects.toThrow(
      /layer 'lstm' is a LSTM, which RetainLab's engine cannot run; it supports Dense/,
    );
    expect(listImportedModelSummaries(db)).toEqual([]);
  });

  it('refuses a GraphModel and a weight path that leaves the model folder', async () => {
    const { db, dir } = store();
    const graph = join(dir, 'graph');
    mkdirSync(graph);
    writeFileSync(join(graph, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: {}, weightsManifest: [] }));
    await expect(importModelAt(db, graph, 'model-1')).rejects.toThrow(/GraphModel, which cannot be fine-tuned/);
    const escape = join(dir, 'escape');
    mkdirSync(escape);
    const json = JSON.parse(readFileSync(join(MODELS, 'cnn', 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../secret.bin'];
    writeFileSync(join(escape, 'model.json'), JSON.stringify(json));
    await expect(importModelAt(db, escape, 'model-1')).rejects.toThrow(/names the weight file '..\/secret.bin', outside its own folder/);
  });
});
