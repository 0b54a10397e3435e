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

/** model.json at `path`, inside the folder `path`, or in the folder's single subfolder (a dropped folder). */
export function findModelJson(path: string): string {
  if (!existsSync(path)) throw new ImportError(`${path} does not exist`);
  if (!statSync(path).isDirectory()) return path;
  const direct = join(path, 'model.json');
  if (existsSync(direct)) return direct;
  const jsons = readdirSync(path, { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.json'));
  if (jsons.length === 1) return join(path, jsons[0].name);
  const dirs = readdirSync(path, { withFileTypes: true }).filter((e) => e.isDirectory());
  if (dirs.length === 1 && !jsons.length) return findModelJson(join(path, dirs[0].name));
  throw new ImportError(`${basename(path)} holds no model.json: drop a TensorFlow.js LayersModel (model.json and its .bin weight files)`);
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
  if (json.format === 'graph-model') {
    throw new ImportError(
      `${name} is a TensorFlow.js GraphModel, which cannot be fine-tuned; export a LayersModel (model.save() in TensorFlow.js, or tensorflowjs_converter --output_format tfjs_layers_model)`,
    );
  }
  if (!json.modelTopology || typeof json.modelTopology !== 'object')
    throw new ImportError(`${name} has no modelTopology: it is not a TensorFlow.js LayersModel`);
  if (!Array.isArray(json.weightsManifest)) throw new ImportError(`${name} has no weightsManifest: the model's weights cannot be found`);
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
