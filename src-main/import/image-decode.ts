import { inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImportError } from './import-error';
import { formatBytes, importLimits, overLimit } from './limits';
import { describeContent, sniff } from './sniff';

/** A decoded image: 8-bit samples, row-major [height, width, channels]. */
export interface DecodedImage {
  width: number;
  height: number;
  /** 1 for grey (alpha dropped), 3 for colour. */
  channels: 1 | 3;
  data: Uint8Array;
}

const PNG_END = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** Drops alpha from RGBA and keeps one channel when the file says grey. */
function fromRgba(rgba: Uint8Array, width: number, height: number, channels: 1 | 3): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  for (let p = 0, q = 0; p < width * height; p++, q += 4) {
    if (channels === 1) out[p] = rgba[q];
    else {
      out[p * 3] = rgba[q];
      out[p * 3 + 1] = rgba[q + 1];
      out[p * 3 + 2] = rgba[q + 2];
    }
  }
  return out;
}

/** A JPEG's start of frame: its component count (1 grey, 3 colour, so grey JPEGs stay grey) and its size. */
function jpegFrame(bytes: Buffer): { components: number; height: number; width: number } | null {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1];
    const length = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { components: bytes[i + 9], height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  return null;
}

/** Bits per pixel of a PNG colour type (grey, RGB, palette, grey+alpha, RGBA) at a bit depth. */
const PNG_SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Fewer bytes than one per this many declared pixels is not a JPEG (a flat 8×8 block needs ~4 bits per component: ~1 byte per 128 pixels). */
const JPEG_PIXELS_PER_BYTE = 1024;

/**
 * Refuses an image whose header declares more pixels than the limit, before it is decoded. An
 * interlaced PNG is inflated once with a bound first: pngjs inflates those without one, so a few
 * MB of deflated zeros would otherwise expand to GBs.
 */
function checkDeclaredSize(bytes: Buffer, type: 'png' | 'jpeg', name: string): void {
  let width = 0;
  let height = 0;
  if (type === 'png' && bytes.length >= 29 && bytes.toString('latin1', 12, 16) === 'IHDR') {
    width = bytes.readUInt32BE(16);
    height = bytes.readUInt32BE(20);
  } else if (type === 'jpeg') ({ width, height } = jpegFrame(bytes) ?? { width: 0, height: 0 });
  const limits = importLimits();
  if (width * height > limits.maxImagePixels) throw overLimit('maxImagePixels', limits, `${name} declares ${width}×${height} pixels`);
  // jpeg-js allocates for the declared frame before it finds the data missing. Each 8×8 block of each
  // component takes at least a few bits even when flat, so a real JPEG holds well over a byte per 1024
  // pixels; a file far smaller than that is a header that lies.
  if (type === 'jpeg' && bytes.length < (width * height) / JPEG_PIXELS_PER_BYTE)
    throw new ImportError(`${name} is a truncated or forged JPEG: it declares ${width}×${height} pixels but holds only ${bytes.length} bytes`);
  if (type !== 'png') return;
  const bits = (PNG_SAMPLES[bytes[25]] ?? 0) * bytes[24];
  // Only a valid header says how much data the pixels need; pngjs refuses the others itself.
  if (!bits || ![1, 2, 4, 8, 16].includes(bytes[24])) return;
  const needed = pngDataBytes(width, height, bits, bytes[28] === 1);
  const idat: Buffer[] = [];
  for (let i = 8; i + 8 <= bytes.length; i += 12 + bytes.readUInt32BE(i)) {
    if (bytes.toString('latin1', i + 4, i + 8) === 'IDAT') idat.push(bytes.subarray(i + 8, i + 8 + bytes.readUInt32BE(i)));
  }
  let data: Buffer;
  try {
    data = inflateSync(Buffer.concat(idat), { maxOutputLength: 2 * needed + 2 ** 20 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ImportError(`${name} inflates to far more than its ${width}×${height} pixels hold: the PNG is damaged or crafted`);
    // Other damage is for the decoder to describe.
    return;
  }
  // pngjs fills the pixels its data does not reach: a hundred bytes declaring 25 megapixels would decode as a whole (black) image.
  if (data.length < needed)
    throw new ImportError(
      `${name} is a truncated PNG: its image data holds ${formatBytes(data.length)} of the ${formatBytes(needed)} its ${width}×${height} pixels need; re-export or re-copy it`,
    );
}

/** Adam7's seven passes: first column and row, column and row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** Bytes a PNG's image data inflates to: every row (of every interlace pass) is a filter byte and its pixels in whole bytes. */
function pngDataBytes(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (Math.ceil((w * bitsPerPixel) / 8) + 1) : 0);
  if (!interlaced) return rows(width, height);
  return ADAM7.reduce((n, [x0, y0, dx, dy]) => n + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)), 0);
}

function decodePng(bytes: Buffer, name: string): DecodedImage {
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(bytes);
  } catch (err) {
    if (bytes.lastIndexOf(PNG_END) === -1)
      throw new ImportError(`${name} is a truncated PNG (the file ends before its image data does): re-export or re-copy it`);
    throw new ImportError(`${name} is a corrupt PNG (${(err as Error).message})`);
  }
  // colorType bit 1 is "colour" (2, 6, and palette 3); 0 and 4 are grey (with or without alpha).
  const channels = (png.colorType & 2) !== 0 ? 3 : 1;
  return { width: png.width, height: png.height, channels, data: fromRgba(png.data, png.width, png.height, channels) };
}

function decodeJpeg(bytes: Buffer, name: string): DecodedImage {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxResolutionInMP: 50, maxMemoryUsageInMB: 512 });
  } catch (err) {
    const ended = bytes.length >= 2 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
    if (!ended) throw new ImportError(`${name} is a truncated JPEG (no end-of-image marker): re-export or re-copy it`);
    throw new ImportError(`${name} is a corrupt JPEG (${(err as Error).message})`);
  }
  const channels = jpegFrame(bytes)?.components === 1 ? 1 : 3;
  return { width: img.width, height: img.height, channels, data: fromRgba(img.data, img.width, img.height, channels) };
}

/** Decodes a PNG or JPEG by its content (not its extension). */
export function decodeImage(bytes: Buffer, name: string): DecodedImage {
  const type = sniff(bytes.subarray(0, 512));
  if (type === 'png' || type === 'jpeg') checkDeclaredSize(bytes, type, name);
  if (type === 'png') return decodePng(bytes, name);
  if (type === 'jpeg') return decodeJpeg(bytes, name);
  throw new ImportError(`${name} is ${describeContent(type)}, not a PNG or JPEG image`);
}
