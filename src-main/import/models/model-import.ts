import { basename, dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import type { ImportedModelSummary } from '../../../src-shared/datasets';
import { insertImportedModel } from '../../db/imported-models';
import type { Db } from '../../db/types';
import { encodeCheckpoint } from '../../engine/models/checkpoint';
import { ImportError } from '../import-error';
import { importHfModelAt } from './hf-import';
import { describeGraph } from './graph-import';
import { checkLayerClasses, describeModel } from './model-layers';
import { readTfjsModelFiles } from './tfjs-files';

/** A chain the built-in layers run as they are, else a functional graph (whose refusal names the layer). */
function describe(model: LayersModel, file: string): ReturnType<typeof describeGraph> {
  try {
    return describeModel(model, file);
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    return describeGraph(model, file);
  }
}

/**
 * Imports a Hugging Face checkpoint (hf-import.ts), or a TensorFlow.js LayersModel: reads model.json and its shards, refuses layers the engine
 * cannot run, loads it with tfjs-layers (through an in-memory IOHandler) to prove it is loadable,
 * maps it onto the engine and stores topology, engine spec and weights.
 */
export async function importModelAt(db: Db, path: string, id: string, name?: string): Promise<ImportedModelSummary> {
  const hub = await importHfModelAt(db, path, id, name);
  if (hub) return hub;
  const files = readTfjsModelFiles(path);
  const file = basename(files.path);
  checkLayerClasses(files.artifacts.modelTopology, file);
  await tf.ready();
  let model;
  try {
    model = await loadLayersModel({ load: async () => files.artifacts });
  } catch (err) {
    throw new ImportError(`${file} could not be loaded by TensorFlow.js: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    const { spec, layers, weights, shapes, warnings } = describe(model, file);
    // A NaN or infinite weight makes every prediction NaN: refused here rather than in the first run.
    for (const [weight, values] of weights) {
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new ImportError(`${file}: weight '${weight}' holds ${values[bad]} (value ${bad + 1} of ${values.length}): a weight file is damaged`);
    }
    const checkpoint = encodeCheckpoint(weights, shapes);
    const trainable = layers.filter((l) => l.trainable).reduce((n, l) => n + l.params, 0);
    const folder = basename(dirname(files.path));
    return insertImportedModel(db, {
      summary: {
        id,
        name: name ?? (file === 'model.json' ? folder : file.replace(/\.json$/, '')),
        origin: `${folder}/${file}`,
        inputShape: spec.inputShape,
        headLayer: layers.find((l) => l.role === 'head')!.name,
        classes: spec.headUnits,
        paramCount: model.countParams(),
        trainableParamCount: trainable,
        layers,
        warnings,
      },
      engineSpec: spec,
      topology: files.artifacts.modelTopology,
      manifest: checkpoint.manifest,
      weights: checkpoint.data,
    });
  } finally {
    model.dispose();
  }
}
