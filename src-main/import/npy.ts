import type { Readable } from 'node:stream';
import { readHead, type FileInput } from './file-input';
import { ImportError } from './import-error';
import { formatBytes, importLimits, overLimit, type ImportLimits } from './limits';
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
/** numpy refuses headers over 10,000 bytes by default; a longer one is damage or a trap that would be buffered whole. */
const MAX_HEADER_BYTES = 64 * 1024;

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
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new ImportError(`${name}: the .npy header declares shape (${shapeText.trim()}), which is not a list of whole numbers`);
  const m = /^([<>|=])([fiubU])(\d+)$/.exec(descr);
  if (!m || (m[2] === 'f' && m[3] !== '4' && m[3] !== '8')) {
    throw new ImportError(`${name} has dtype '${descr}', which RetainLab cannot read: use float32/float64, (u)int8-64, bool, or unicode strings for labels`);
  }
  const kind = m[2] as NpyHeader['kind'];
  const size = Number(m[3]);
  // Items of no bytes make any count of them free to declare: a billion '<U0' labels would pass every byte limit.
  if (size === 0) throw new ImportError(`${name} has dtype '${descr}', whose items hold no bytes: the file is damaged or crafted`);
  return { descr, shape, kind, itemSize: kind === 'U' ? size * 4 : size, littleEndian: m[1] !== '>' };
}

/** The header of a .npy from its first bytes and where its data starts; null while more bytes are needed. */
function parsePreamble(buf: Buffer, name: string): { header: NpyHeader; start: number } | null {
  if (buf.length < 12) return null;
  if (!buf.subarray(0, 6).equals(MAGIC)) throw new ImportError(`${name} is not a NumPy .npy array (no \\x93NUMPY signature)`);
  const major = buf[6];
  if (major < 1 || major > 3) throw new ImportError(`${name} is a .npy of format version ${major}, which RetainLab cannot read (numpy writes 1.0 to 3.0)`);
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = lenBytes === 2 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  if (headerLen > MAX_HEADER_BYTES)
    throw new ImportError(`${name}: its .npy header declares ${formatBytes(headerLen)}; numpy writes a few hundred bytes: the file is damaged`);
  const start = 8 + lenBytes;
  if (buf.length < start + headerLen) return null;
  return { header: parseHeader(buf.subarray(start, start + headerLen).toString('latin1'), name), start: start + headerLen };
}

/** A .npy's header, where its data starts and how many data bytes the header declares. */
export interface NpyLayout {
  header: NpyHeader;
  dataOffset: number;
  dataBytes: number;
}

/** Reads only the header of a .npy input (a file or an archive member). */
export async function readNpyLayout(input: FileInput): Promise<NpyLayout> {
  const head = await readHead(input, MAX_HEADER_BYTES + 12);
  const pre = parsePreamble(head, input.name);
  if (!pre) throw new ImportError(`${input.name} is too short to be a .npy array (${formatBytes(head.length)})`);
  const values = pre.header.shape.reduce((a, b) => a * b, 1);
  return { header: pre.header, dataOffset: pre.start, dataBytes: values * pre.header.itemSize };
}

/**
 * Refuses a .npy whose header declares more data than the input holds (it is truncated) or more
 * than the limit allows, before any of it is read: the header alone must not decide an allocation.
 */
export function checkNpyBytes(
  input: FileInput,
  layout: NpyLayout,
  limit: 'maxArrayBytes' | 'maxLabelBytes' | null,
  limits: ImportLimits = importLimits(),
): void {
  const { header, dataOffset, dataBytes } = layout;
  const declared = `shape (${header.shape.join(', ')}) of ${header.descr}, ${formatBytes(dataBytes)} of data`;
  const present = Math.max(0, input.size - dataOffset);
  if (present < dataBytes) {
    throw new ImportError(
      `${input.name} is truncated: its header declares ${declared}, but only ${formatBytes(present)} follow (${(dataBytes - present).toLocaleString('en')} bytes missing)`,
    );
  }
  if (limit && dataBytes > limits[limit]) throw overLimit(limit, limits, `${input.name} declares ${declared}`);
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
      const pre = parsePreamble(pending, name);
      if (!pre) continue;
      header = pre.header;
      if (header.kind === 'U') throw new ImportError(`${name} holds strings: only labels (y) may be strings`);
      if (header.shape.length === 0) throw new ImportError(`${name} holds a single number, not one row per sample`);
      rowItems = header.shape.slice(1).reduce((a, b) => a * b, 1);
      rowBytes = rowItems * header.itemSize;
      batchRows = batchRowsFor(rowItems);
      rowsLeft = header.shape[0];
      get = reader(header);
      scale = scaleFor(header);
      pending = pending.subarray(pre.start);
      yield header;
      if (rowBytes === 0) return;
    }
    yield* emit(false);
  }
  if (!header) throw new ImportError(`${name} is too short to be a .npy array`);
  yield* emit(true);
  if (rowsLeft > 0) throw new ImportError(`${name} is truncated: its header promises ${header.shape[0]} rows but ${rowsLeft} are missing`);
}

/** The labels of a .npy array, decoded to strings a slice at a time (a string per label for the whole array would cost tens of bytes each). */
export interface NpyLabels {
  count: number;
  /** Labels start..end-1 as strings; a label that is not a class id or a character string is refused. */
  slice(start: number, end: number): string[];
}

/**
 * Reads a whole 1-D (or [n, 1]) .npy array of labels into one buffer of the size the header
 * declares, allocated only once the count passed the sample limit and the size the label limit.
 */
export async function readNpyLabels(stream: Readable, name: string, limits: ImportLimits = importLimits()): Promise<NpyLabels> {
  let head: Buffer = Buffer.alloc(0);
  let h: NpyHeader | null = null;
  let buf: Buffer | null = null;
  let filled = 0;
  for await (const chunk of stream) {
    let data = chunk as Buffer;
    if (!buf) {
      head = head.length ? Buffer.concat([head, data]) : data;
      const pre = parsePreamble(head, name);
      if (!pre) continue;
      h = pre.header;
      if (h.shape.length === 0 || h.shape.length > 2 || (h.shape.length === 2 && h.shape[1] !== 1)) {
        throw new ImportError(`${name} has shape (${h.shape.join(', ')}): labels need one value per sample, shape (n,)`);
      }
      if (h.shape[0] > limits.maxSamples) throw overLimit('maxSamples', limits, `${name} declares ${h.shape[0].toLocaleString('en')} labels`);
      const bytes = h.shape[0] * h.itemSize;
      if (bytes > limits.maxLabelBytes)
        throw overLimit('maxLabelBytes', limits, `${name} declares ${h.shape[0].toLocaleString('en')} labels of ${h.descr}, ${formatBytes(bytes)}`);
      buf = Buffer.alloc(bytes);
      data = head.subarray(pre.start);
    }
    const take = Math.min(data.length, buf.length - filled);
    data.copy(buf, filled, 0, take);
    filled += take;
    if (filled === buf.length) break;
  }
  if (!buf || !h) {
    if (head.length >= 6 && !head.subarray(0, 6).equals(MAGIC)) throw new ImportError(`${name} is not a NumPy .npy array (no \\x93NUMPY signature)`);
    throw new ImportError(`${name} is too short to be a .npy array (${formatBytes(head.length)})`);
  }
  const header = h;
  const n = header.shape[0];
  if (filled < buf.length)
    throw new ImportError(
      `${name} is truncated: ${n} labels declared, ${Math.floor(filled / header.itemSize)} present (${(buf.length - filled).toLocaleString('en')} bytes missing)`,
    );
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  // Every label is checked now, before any row is stored; strings are made later, a slice at a time.
  checkLabels(view, header, name);
  const decode = header.kind === 'U' ? unicodeLabel(view, header) : numericLabel(view, header);
  return {
    count: n,
    slice: (start, end) => Array.from({ length: Math.min(end, n) - start }, (_, k) => decode(start + k)),
  };
}

/** Refuses a labels array holding a value that is not a character (strings) or not a whole number (class ids). */
function checkLabels(view: DataView, h: NpyHeader, name: string): void {
  const n = h.shape[0];
  if (h.kind === 'U') {
    for (let offset = 0; offset < n * h.itemSize; offset += 4) {
      const cp = view.getUint32(offset, h.littleEndian);
      if (cp > 0x10ffff)
        throw new ImportError(`${name}: label ${Math.floor(offset / h.itemSize)} holds ${cp}, which is not a Unicode character: the file is damaged`);
    }
    return;
  }
  const get = reader(h);
  for (let i = 0; i < n; i++) {
    const v = get(view, i * h.itemSize);
    if (!Number.isInteger(v)) throw new ImportError(`${name}: label ${i} is ${v}; labels must be whole numbers (class ids) or strings`);
  }
}

/** Decodes label i of a fixed-width UTF-32 string array (numpy's '<U…'), checked by checkLabels. */
function unicodeLabel(view: DataView, h: NpyHeader): (i: number) => string {
  return (i) => {
    let s = '';
    for (let k = 0; k < h.itemSize / 4; k++) {
      const cp = view.getUint32(i * h.itemSize + k * 4, h.littleEndian);
      if (cp === 0) break;
      s += String.fromCodePoint(cp);
    }
    return s;
  };
}

/** Decodes label i of a numeric array, checked by checkLabels: a class id, or a boolean. */
function numericLabel(view: DataView, h: NpyHeader): (i: number) => string {
  const get = reader(h);
  return (i) => {
    const v = get(view, i * h.itemSize);
    return h.kind === 'b' ? String(v === 1) : String(v);
  };
}
