import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ImportError } from '../import-error';
import { escapesFolder } from '../zip-archive';

/** Bytes per value of the dtypes read (widened or narrowed to float32). */
const READABLE: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };
/** Dtypes the format defines that hold integers or quantised values: refused by name. */
const REFUSED = new Set(['I8', 'U8', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64', 'BOOL', 'F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2']);
/** A header larger than this is not a checkpoint's (the format's own readers cap it at 100 MB). */
const MAX_HEADER = 100 * 1024 * 1024;

/** One tensor of a safetensors file: where its bytes lie (absolute file offsets) and how to read them. */
export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** The file that holds it. */
  path: string;
  /** Absolute offset of its first byte in the file. */
  start: number;
  byteLength: number;
}

/** The tensors of a checkpoint (one file or the shards of an index), read one at a time from disk. */
export interface SafetensorsCheckpoint {
  /** Every tensor by name, in file order. */
  entries: Map<string, SafetensorsEntry>;
  /** One tensor's values as float32, read at its offsets (into `into` when given: no buffer of its own). */
  read(name: string, into?: Float32Array): Float32Array;
}

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The validated header of one safetensors file: its tensors with absolute offsets; nothing of the data section is read. */
export function readSafetensorsHeader(path: string): SafetensorsEntry[] {
  const file = basename(path);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 8) throw new ImportError(`${file} is truncated: ${size} bytes, shorter than a safetensors header`);
    const prefix = Buffer.alloc(8);
    readSync(fd, prefix, 0, 8, 0);
    const headerLength = Number(prefix.readBigUInt64LE(0));
    if (headerLength > MAX_HEADER || 8 + headerLength > size)
      throw new ImportError(
        `${file} is truncated or not a safetensors file: its header claims ${headerLength} bytes, the file holds ${size - 8} after the size`,
      );
    const headerBytes = Buffer.alloc(headerLength);
    readSync(fd, headerBytes, 0, headerLength, 8);
    let header: unknown;
    try {
      header = JSON.parse(headerBytes.toString('utf8'));
    } catch (err) {
      throw new ImportError(`${file}: the safetensors header is not valid JSON (${(err as Error).message})`);
    }
    if (!header || typeof header !== 'object' || Array.isArray(header)) throw new ImportError(`${file}: the safetensors header is not a JSON object`);
    const dataStart = 8 + headerLength;
    const dataLength = size - dataStart;
    const entries: SafetensorsEntry[] = [];
    for (const [name, raw] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const { dtype, shape, data_offsets: offsets } = (raw ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const at = `${file}: tensor '${name}'`;
      if (typeof dtype !== 'string') throw new ImportError(`${at} has no dtype`);
      if (REFUSED.has(dtype))
        throw new ImportError(
          `${at} is ${dtype}${dtype.startsWith('F') ? '' : ' (integer or quantised)'}; RetainLab reads float tensors only (${Object.keys(READABLE).join(', ')}): use an unquantised checkpoint`,
        );
      if (!(dtype in READABLE)) throw new ImportError(`${at} has the unknown dtype ${JSON.stringify(dtype).slice(0, 30)}`);
      if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
        throw new ImportError(`${at} has shape ${JSON.stringify(shape)?.slice(0, 60)}, not a list of whole numbers`);
      if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1])
        throw new ImportError(`${at} has data_offsets ${JSON.stringify(offsets)?.slice(0, 60)}, not [begin, end]`);
      const [begin, end] = offsets as [number, number];
      if (end > dataLength)
        throw new ImportError(`${file} is truncated or damaged: tensor '${name}' ends at byte ${end} of a data section of ${dataLength} bytes`);
      const expected = product(shape) * READABLE[dtype];
      if (end - begin !== expected)
        throw new ImportError(`${at}: shape [${shape.join(', ')}] of ${dtype} needs ${expected} bytes, its offsets span ${end - begin}`);
      entries.push({ name, dtype, shape, path, start: dataStart + begin, byteLength: expected });
    }
    // Ties by length, so an empty tensor at the start of another is not taken for an overlap.
    const byStart = [...entries].sort((a, b) => a.start - b.start || a.byteLength - b.byteLength);
    for (let i = 1; i < byStart.length; i++) {
      const [prev, next] = [byStart[i - 1], byStart[i]];
      if (next.start < prev.start + prev.byteLength) throw new ImportError(`${file}: the bytes of tensors '${prev.name}' and '${next.name}' overlap`);
    }
    return byStart;
  } finally {
    closeSync(fd);
  }
}

/** IEEE half → float32 (subnormals, infinities and NaN included). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * Reads one tensor from disk at its offsets and widens (or narrows, F64) it to float32; the file is
 * little-endian. With `into` (as many values as the tensor), float32 bytes land there directly.
 */
export function readSafetensor(entry: SafetensorsEntry, into?: Float32Array): Float32Array {
  const count = product(entry.shape);
  if (into && into.length !== count) throw new Error(`Tensor '${entry.name}' has ${count} values, not ${into.length}`);
  const direct = into && entry.dtype === 'F32';
  const bytes = direct ? new Uint8Array(into.buffer, into.byteOffset, into.byteLength) : new Uint8Array(entry.byteLength);
  const fd = openSync(entry.path, 'r');
  try {
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, entry.start + done);
      if (n === 0) throw new ImportError(`${basename(entry.path)} ended while reading tensor '${entry.name}': the file changed or is truncated`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  if (direct) return into;
  const view = new DataView(bytes.buffer);
  if (entry.dtype === 'F32') return new Float32Array(bytes.buffer);
  const out = into ?? new Float32Array(count);
  if (entry.dtype === 'F16') for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  else if (entry.dtype === 'BF16') {
    // bfloat16 is the top half of a float32.
    // `out` may be a view into a larger buffer (tensors read in place): address its own bytes.
    const bits = new Uint32Array(out.buffer, out.byteOffset, count);
    for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
  } else for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
}

/** The index of a sharded checkpoint (`model.safetensors.index.json`): which shard holds each tensor. */
function readIndex(folder: string, indexFile: string): Map<string, string> {
  let json: { weight_map?: unknown };
  try {
    json = JSON.parse(readFileSync(join(folder, indexFile), 'utf8'));
  } catch (err) {
    throw new ImportError(`${indexFile} is not valid JSON (${(err as Error).message})`);
  }
  const map = json?.weight_map;
  if (!map || typeof map !== 'object' || Array.isArray(map)) throw new ImportError(`${indexFile} has no weight_map (tensor name → shard file)`);
  const out = new Map<string, string>();
  for (const [name, shard] of Object.entries(map)) {
    if (typeof shard !== 'string' || shard === '' || escapesFolder(shard))
      throw new ImportError(`${indexFile}: tensor '${name}' is mapped to ${JSON.stringify(shard)?.slice(0, 60)}, not a shard file next to it`);
    out.set(name, shard);
  }
  return out;
}

/**
 * Opens the safetensors checkpoint of a Hub folder: `model.safetensors`, or the shards that
 * `model.safetensors.index.json` names (each tensor must be in the shard the index says). Headers
 * are validated up front; tensors are read one at a time when asked for.
 */
export function openSafetensorsFolder(folder: string): SafetensorsCheckpoint {
  const single = join(folder, 'model.safetensors');
  const indexFile = 'model.safetensors.index.json';
  const entries = new Map<string, SafetensorsEntry>();
  if (existsSync(join(folder, indexFile))) {
    const index = readIndex(folder, indexFile);
    const byShard = new Map<string, SafetensorsEntry[]>();
    for (const shard of new Set(index.values())) {
      const path = join(folder, shard);
      if (!existsSync(path) || !statSync(path).isFile()) throw new ImportError(`${indexFile} names the shard '${shard}', which is missing next to it`);
      byShard.set(shard, readSafetensorsHeader(path));
    }
    for (const [name, shard] of index) {
      const entry = byShard.get(shard)!.find((e) => e.name === name);
      if (!entry) throw new ImportError(`${indexFile} puts tensor '${name}' in ${shard}, which does not hold it`);
      entries.set(name, entry);
    }
  } else if (existsSync(single)) {
    for (const entry of readSafetensorsHeader(single)) entries.set(entry.name, entry);
  } else {
    throw new ImportError(`${basename(folder)} holds no model.safetensors (nor a sharded model.safetensors.index.json): the checkpoint's weights are missing`);
  }
  return {
    entries,
    read: (name, into) => {
      const entry = entries.get(name);
      if (!entry) throw new ImportError(`The checkpoint has no tensor '${name}'`);
      return readSafetensor(entry, into);
    },
  };
}
