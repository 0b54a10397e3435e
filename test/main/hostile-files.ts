import { constants, crc32, deflateRawSync } from 'node:zlib';

const MiB = 2 ** 20;
const FULL_FLUSH = { finishFlush: constants.Z_FULL_FLUSH };
/** An empty final deflate block: ends a stream made of fully flushed pieces. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** A .npy header (format 1.0) declaring `descr` and `shape`, padded as numpy pads it. */
export function npyHeader(descr: string, shape: number[]): Buffer {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dict.length + 1;
  const text = `${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(text.length, 8);
  return Buffer.concat([head, Buffer.from(text, 'latin1')]);
}

/** A whole .npy: header and data. */
export function npy(descr: string, shape: number[], data: Buffer): Buffer {
  return Buffer.concat([npyHeader(descr, shape), data]);
}

/** One member of a hand-made zip, as its bytes are stored (deflated or not). */
export interface ZipMember {
  name: string;
  stored: Buffer;
  deflated: boolean;
  /** The CRC-32 and size of the member once inflated (what the central directory declares). */
  crc: number;
  size: number;
  /** Unix mode in the external attributes (0o120777 marks a symbolic link). */
  mode?: number;
}

/** A member stored as it is. */
export function storedMember(name: string, data: Buffer, mode?: number): ZipMember {
  return { name, stored: data, deflated: false, crc: crc32(data), size: data.length, mode };
}

/** A member deflated normally. */
export function deflatedMember(name: string, data: Buffer): ZipMember {
  return { name, stored: deflateRawSync(data), deflated: true, crc: crc32(data), size: data.length };
}

/**
 * A member that inflates to `head` followed by `zeros` zero bytes, built without ever holding them:
 * fully flushed deflate pieces are independent, so one MiB of deflated zeros is repeated. A GiB of
 * zeros takes about a MiB.
 */
export function zeroBombMember(name: string, head: Buffer, zeros: number): ZipMember {
  const oneMiB = Buffer.alloc(MiB);
  const piece = deflateRawSync(oneMiB, FULL_FLUSH);
  const whole = Math.floor(zeros / MiB);
  const rest = Buffer.alloc(zeros % MiB);
  let crc = crc32(head);
  for (let i = 0; i < whole; i++) crc = crc32(oneMiB, crc);
  crc = crc32(rest, crc);
  const stored = Buffer.concat([deflateRawSync(head, FULL_FLUSH), ...Array<Buffer>(whole).fill(piece), deflateRawSync(rest, FULL_FLUSH), FINAL_BLOCK]);
  return { name, stored, deflated: true, crc, size: head.length + zeros };
}

/** Declares another inflated size than the member really has (a lying central directory). */
export function declaringSize(member: ZipMember, size: number): ZipMember {
  return { ...member, size };
}

/** A zip archive (no ZIP64: every size under 4 GiB) of the members, written by hand so any of its fields can lie. */
export function zipOf(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(m.deflated ? 8 : 0, 8);
    local.writeUInt32LE(m.crc, 14);
    local.writeUInt32LE(m.stored.length, 18);
    local.writeUInt32LE(m.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    // Made by Unix (3), so the external attributes hold a Unix mode.
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(m.deflated ? 8 : 0, 10);
    central.writeUInt32LE(m.crc, 16);
    central.writeUInt32LE(m.stored.length, 20);
    central.writeUInt32LE(m.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((m.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, m.stored);
    centrals.push(central, name);
    offset += local.length + name.length + m.stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A grey 8-bit PNG declaring `width`×`height` whose image data inflates to `zeros` zero bytes, however
 * many its size needs: a decompression bomb when `zeros` is far more (the zlib stream is made of
 * repeated fully flushed pieces, as in zeroBombMember).
 */
export function zeroPng(width: number, height: number, zeros: number, interlaced: boolean): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[12] = interlaced ? 1 : 0;
  const piece = deflateRawSync(Buffer.alloc(MiB), FULL_FLUSH);
  // Zeros only: Adler-32's first sum stays 1 and its second is the length.
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((zeros % 65521) << 16) | 1) >>> 0);
  const rest = deflateRawSync(Buffer.alloc(zeros % MiB), FULL_FLUSH);
  const zlib = Buffer.concat([Buffer.from([0x78, 0x01]), ...Array<Buffer>(Math.floor(zeros / MiB)).fill(piece), rest, FINAL_BLOCK, adler]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
