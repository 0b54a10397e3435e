import { writeFileSync } from 'node:fs';

/** One tensor to write: its dtype, shape and raw little-endian bytes. */
export interface RawTensor {
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/** Float32 values as a raw F32 tensor. */
export function f32(shape: number[], values: number[] | Float32Array): RawTensor {
  return { dtype: 'F32', shape, bytes: new Uint8Array(Float32Array.from(values).buffer) };
}

/**
 * Writes a safetensors file: an 8-byte header size, the JSON header, then the tensors back to back.
 * `offsets` overrides a tensor's data_offsets (to make damaged headers); `cut` drops bytes off the end.
 */
export function writeSafetensors(
  path: string,
  tensors: Record<string, RawTensor>,
  damage: { offsets?: Record<string, [number, number]>; cut?: number; metadata?: Record<string, string> } = {},
): void {
  const header: Record<string, unknown> = damage.metadata ? { __metadata__: damage.metadata } : {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: damage.offsets?.[name] ?? [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(json.length));
  const file = Buffer.concat([size, json, ...Object.values(tensors).map((t) => Buffer.from(t.bytes))]);
  writeFileSync(path, file.subarray(0, file.length - (damage.cut ?? 0)));
}
