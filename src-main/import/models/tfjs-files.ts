import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { ImportError } from '../import-error';
import { escapesFolder } from '../zip-archive';

/** A model.json with its weight shards read from disk, ready for a tfjs IOHandler. */
export interface TfjsModelFiles {
  /** Path of model.json. */
  path: string;
  artifacts: io.ModelArtifacts;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2, bool: 1 };

/**
 * Refuses a Keras file (.h5 / .keras), which RetainLab does not read itself, with the
 * tensorflowjs_converter command that turns it into the model.json + shards it imports.
 */
function refuseKerasFile(path: string): void {
  const name = basename(path);
  const format = /\.keras$/i.test(name) ? 'keras_keras' : /\.(h5|hdf5)$/i.test(name) ? 'keras' : null;
  if (!format) return;
  throw new ImportError(
    `${name} is a Keras file, which RetainLab does not read; convert it to a TensorFlow.js LayersModel (pip install tensorflowjs) with ` +
      `\`tensorflowjs_converter --input_format=${format} ${name} out_dir\` and import out_dir`,
  );
}

/** model.json at `path`, inside the folder `path`, or in the folder's single subfolder (a dropped folder). */
export function findModelJson(path: string): string {
  if (!existsSync(path)) throw new ImportError(`${path} does not exist`);
  if (!statSync(path).isDirectory()) {
    refuseKerasFile(path);
    return path;
  }
  const direct = join(path, 'model.json');
  if (existsSync(direct)) return direct;
  const jsons = readdirSync(path, { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.json'));
  if (jsons.length === 1) return join(path, jsons[0].name);
  const dirs = readdirSync(path, { withFileTypes: true }).filter((e) => e.isDirectory());
  if (dirs.length === 1 && !jsons.length) return findModelJson(join(path, dirs[0].name));
  const keras = readdirSync(path).filter((name) => /\.(h5|hdf5|keras)$/i.test(name));
  if (keras.length === 1 && !jsons.length) refuseKerasFile(join(path, keras[0]));
  throw new ImportError(`${basename(path)} holds no model.json: drop a TensorFlow.js LayersModel (model.json and its .bin weight files)`);
}

/** A value from model.json as a message quotes it: its JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

type ManifestGroup = { paths: string[]; weights: io.WeightsManifestEntry[] };

/** Refuses a weightsManifest that is not groups of weight file names and {name, shape, dtype} entries, naming the entry. */
function checkManifest(manifest: unknown[], name: string): asserts manifest is ManifestGroup[] {
  manifest.forEach((group, g) => {
    const where = `${name}: weightsManifest[${g}]`;
    const { paths, weights } = (group ?? {}) as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && p !== ''))
      throw new ImportError(`${where}.paths must be a list of weight file names, not ${shown(paths)}`);
    if (!Array.isArray(weights)) throw new ImportError(`${where}.weights must be a list of weights, not ${shown(weights)}`);
    weights.forEach((w, i) => {
      const e = (w ?? {}) as { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: { dtype?: unknown } | null };
      const at = `${where}.weights[${i}]${typeof e.name === 'string' ? ` ('${e.name}')` : ''}`;
      if (typeof e.name !== 'string') throw new ImportError(`${at} has no name`);
      if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
        throw new ImportError(`${at} has shape ${shown(e.shape)}, not a list of whole numbers`);
      const dtype = (typeof e.quantization === 'object' && e.quantization?.dtype) || e.dtype;
      if (typeof dtype !== 'string' || !(dtype in BYTES))
        throw new ImportError(`${at} has dtype ${shown(dtype)}; TensorFlow.js weights are ${Object.keys(BYTES).join(', ')}`);
    });
  });
}

function expectedBytes(specs: io.WeightsManifestEntry[]): number {
  return specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (BYTES[s.quantization?.dtype ?? s.dtype] ?? 4), 0);
}

/**
 * Reads a TensorFlow.js LayersModel (model.json + the weight shards its manifest names) into
 * model artifacts. Missing or short shards and GraphModels are refused with what to do instead.
 */
export function readTfjsModelFiles(path: string): TfjsModelFiles {
  const jsonPath = findModelJson(path);
  const name = basename(jsonPath);
  let json: { format?: string; modelTopology?: unknown; weightsManifest?: { paths: string[]; weights: io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (err) {
    throw new ImportError(`${name} is not valid JSON (${(err as Error).message})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new ImportError(`${name} holds ${shown(json)}, not a model (a JSON object)`);
  if (json.format === 'graph-model') {
    throw new ImportError(
      `${name} is a TensorFlow.js GraphModel, which cannot be fine-tuned; export a LayersModel (model.save() in TensorFlow.js, or tensorflowjs_converter --output_format tfjs_layers_model)`,
    );
  }
  if (!json.modelTopology || typeof json.modelTopology !== 'object')
    throw new ImportError(`${name} has no modelTopology: it is not a TensorFlow.js LayersModel`);
  if (!Array.isArray(json.weightsManifest)) throw new ImportError(`${name} has no weightsManifest: the model's weights cannot be found`);
  checkManifest(json.weightsManifest, name);
  const folder = dirname(jsonPath);
  const buffers: Buffer[] = [];
  const specs: io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    for (const shard of group.paths) {
      if (escapesFolder(shard))
        throw new ImportError(`${name} names the weight file '${shard}', outside its own folder; weight files must sit next to model.json`);
      const shardPath = join(folder, shard);
      if (!existsSync(shardPath)) {
        throw new ImportError(`${name} needs the weight file '${shard}', which is missing next to it; import model.json together with all its .bin files`);
      }
      if (!statSync(shardPath).isFile()) throw new ImportError(`${name} names the weight file '${shard}', which is a folder, not a file`);
      buffers.push(readFileSync(shardPath));
    }
    specs.push(...group.weights);
  }
  const weightData = Buffer.concat(buffers);
  const expected = expectedBytes(specs);
  if (weightData.length !== expected) {
    throw new ImportError(
      `${name}: the weight files hold ${weightData.length} bytes but its manifest describes ${expected}; a .bin file is truncated or belongs to another model`,
    );
  }
  return {
    path: jsonPath,
    artifacts: {
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer,
      format: json.format,
    },
  };
}
