import type { Readable } from 'node:stream';
import { ImportError } from './import-error';
import { batchRowsFor } from './sink';

/** A parsed .npy header. */
export interface NpyHeader {
  /** numpy dtype string, e.g. '<f4', '|u1', '<U5'. */
  descr: string;
  shape: number[];
  kind: 'f' | 'i' | 'u' | 'b' | 'U';
  itemSize: number;
  littleEndian: boolean;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

function parseHeader(text: string, name: string): NpyHeader {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new ImportError(`${name}: the .npy header is not readable ('${text.trim().slice(0, 80)}')`);
  if (fortran === 'True') throw new ImportError(`${name} is stored in Fortran (column-major) order: save it with np.ascontiguousarray(a) first`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const m = /^([<>|=])([fiubU])(\d+)$/.exec(descr);
  if (!m || (m[2] === 'f' && m[3] !== '4' && m[3] !== '8')) {
    throw new ImportError(`${name} has dtype '${descr}', which RetainLab cannot read: use float32/float64, (u)int8-64, bool, or unicode strings for labels`);
  }
  const kind = m[2] as NpyHeader['kind'];
  const size = Number(m[3]);
  return { descr, shape, kind, itemSize: kind === 'U' ? size * 4 : size, littleEndian: m[1] !== '>' };
}

/** Reads one element as a number (not for unicode arrays). */
function reader(h: NpyHeader): (view: DataView, offset: number) => number {
  const le = h.littleEndian;
  const key = `${h.kind}${h.itemSize}`;
  switch (key) {
    case 'f4':
      return (v, o) => v.getFloat32(o, le);
    case 'f8':
      return (v, o) => v.getFloat64(o, le);
    case 'i1':
      return (v, o) => v.getInt8(o);
    case 'i2':
      return (v, o) => v.getInt16(o, le);
    case 'i4':
      return (v, o) => v.getInt32(o, le);
    case 'i8':
      return (v, o) => Number(v.getBigInt64(o, le));
    case 'u1':
    case 'b1':
      return (v, o) => v.getUint8(o);
    case 'u2':
      return (v, o) => v.getUint16(o, le);
    case 'u4':
      return (v, o) => v.getUint32(o, le);
    case 'u8':
      return (v, o) => Number(v.getBigUint64(o, le));
    default:
      throw new ImportError(`dtype '${h.descr}' is not supported`);
  }
}

/**
 * Streams a .npy array: the header first, then batches of whole rows (along axis 0) converted to
 * float32, every value multiplied by `scaleFor(header)` (e.g. 1/255 for uint8 pixels). Memory stays one batch.
 */
export async function* readNpyRows(stream: Readable, name: string, scaleFor: (h: NpyHeader) => number = () => 1): AsyncGenerator<NpyHeader | Float32Array> {
  let pending: Buffer = Buffer.alloc(0);
  let header: NpyHeader | null = null;
  let rowBytes = 0;
  let rowItems = 0;
  let get: ((view: DataView, offset: number) => number) | null = null;
  let rowsLeft = 0;
  let batchRows = 1;
  let scale = 1;
  const emit = function* (final: boolean): Generator<Float32Array> {
    while (header && rowsLeft > 0) {
      const rows = Math.min(batchRows, rowsLeft, Math.floor(pending.length / rowBytes));
      if (rows === 0 || (rows < batchRows && rows < rowsLeft && !final)) return;
      const out = new Float32Array(rows * rowItems);
      const view = new DataView(pending.buffer, pending.byteOffset, rows * rowBytes);
      for (let k = 0; k < out.length; k++) out[k] = get!(view, k * header.itemSize) * scale;
      pending = pending.subarray(rows * rowBytes);
      rowsLeft -= rows;
      yield out;
    }
  };
  for await (const chunk of stream) {
    pending = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
    if (!header) {
      if (pending.length < 12) continue;
      if (!pending.subarray(0, 6).equals(MAGIC)) throw new ImportError(`${name} is not a NumPy .npy array (no \\x93NUMPY signature)`);
      const major = pending[6];
      const lenBytes = major === 1 ? 2 : 4;
      const headerLen = lenBytes === 2 ? pending.readUInt16LE(8) : pending.readUInt32LE(8);
      const start = 8 + lenBytes;
      if (pending.length < start + headerLen) continue;
      header = parseHeader(pending.subarray(start, start + headerLen).toString('latin1'), name);
      if (header.kind === 'U') throw new ImportError(`${name} holds strings: only labels (y) may be strings`);
      if (header.shape.length === 0) throw new ImportError(`${name} holds a single number, not one row per sample`);
      rowItems = header.shape.slice(1).reduce((a, b) => a * b, 1);
      rowBytes = rowItems * header.itemSize;
      batchRows = batchRowsFor(rowItems);
      rowsLeft = header.shape[0];
      get = reader(header);
      scale = scaleFor(header);
      pending = pending.subarray(start + headerLen);
      yield header;
      if (rowBytes === 0) return;
    }
    yield* emit(false);
  }
  if (!header) throw new ImportError(`${name} is too short to be a .npy array`);
  yield* emit(true);
  if (rowsLeft > 0) throw new ImportError(`${name} is truncated: its header promises ${header.shape[0]} rows but ${rowsLeft} are missing`);
}

/** Reads a whole 1-D (or [n, 1]) .npy array of labels as strings. */
export async function readNpyLabels(stream: Readable, name: string): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const buf = Buffer.concat(chunks);
  if (buf.length < 12 || !buf.subarray(0, 6).equals(MAGIC)) throw new ImportError(`${name} is not a NumPy .npy array (no \\x93NUMPY signature)`);
  const lenBytes = buf[6] === 1 ? 2 : 4;
  const headerLen = lenBytes === 2 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = 8 + lenBytes + headerLen;
  const h = parseHeader(buf.subarray(8 + lenBytes, start).toString('latin1'), name);
  if (h.shape.length === 0 || h.shape.length > 2 || (h.shape.length === 2 && h.shape[1] !== 1)) {
    throw new ImportError(`${name} has shape (${h.shape.join(', ')}): labels need one value per sample, shape (n,)`);
  }
  const n = h.shape[0];
  if (buf.length - start < n * h.itemSize)
    throw new ImportError(`${name} is truncated: ${n} labels promised, ${Math.floor((buf.length - start) / h.itemSize)} present`);
  const view = new DataView(buf.buffer, buf.byteOffset + start, n * h.itemSize);
  const out = new Array<string>(n);
  if (h.kind === 'U') {
    for (let i = 0; i < n; i++) {
      let s = '';
      for (let k = 0; k < h.itemSize / 4; k++) {
        const cp = view.getUint32(i * h.itemSize + k * 4, h.littleEndian);
        if (cp === 0) break;
        s += String.fromCodePoint(cp);
      }
      out[i] = s;
    }
    return out;
  }
  const get = reader(h);
  for (let i = 0; i < n; i++) {
    const v = get(view, i * h.itemSize);
    if (!Number.isInteger(v)) throw new ImportError(`${name}: label ${i} is ${v}; labels must be whole numbers (class ids) or strings`);
    out[i] = h.kind === 'b' ? String(v === 1) : String(v);
  }
  return out;
}
