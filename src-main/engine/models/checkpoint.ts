import type { Checkpoint, WeightEntry } from '../../../src-shared/checkpoint';

/** Packs named weights (with their shapes) into one checkpoint. */
export function encodeCheckpoint(weights: Map<string, Float32Array>, shapes: Map<string, number[]>): Checkpoint {
  const manifest: WeightEntry[] = [];
  let offset = 0;
  for (const [name, values] of weights) {
    const shape = shapes.get(name);
    if (!shape) throw new Error(`No shape for weight ${name}`);
    manifest.push({ name, shape, offset, length: values.length });
    offset += values.length;
  }
  const all = new Float32Array(offset);
  for (const entry of manifest) all.set(weights.get(entry.name)!, entry.offset);
  return { manifest, data: new Uint8Array(all.buffer) };
}

/** Unpacks a checkpoint into named weights; a blob that does not match its manifest is an error. */
export function decodeCheckpoint(checkpoint: Checkpoint): Map<string, Float32Array> {
  const { manifest, data } = checkpoint;
  const total = manifest.reduce((n, e) => n + e.length, 0);
  if (data.byteLength !== total * 4) {
    throw new Error(`Checkpoint is corrupt: ${data.byteLength} bytes for ${total} float32 values`);
  }
  // Copy so the floats are aligned whatever the source buffer's offset.
  const all = new Float32Array(new Uint8Array(data).buffer);
  return new Map(manifest.map((e) => [e.name, all.slice(e.offset, e.offset + e.length)]));
}
