import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** A w×h PNG whose pixels are `value(x, y)` (0..255); grey (colour type 0) or RGB (colour type 2). */
export function pngBytes(w: number, h: number, value: (x: number, y: number) => number, colour = false): Buffer {
  const png = new PNG({ width: w, height: h, colorType: colour ? 2 : 0, inputColorType: 6, inputHasAlpha: true });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = value(x, y);
      if (colour) png.data[i + 2] = 255 - value(x, y);
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: colour ? 2 : 0, inputColorType: 6, inputHasAlpha: true });
}

/** A w×h colour JPEG of one flat colour. */
export function jpegBytes(w: number, h: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let p = 0; p < w * h; p++) data.set([...rgb, 255], p * 4);
  return Buffer.from(jpeg.encode({ width: w, height: h, data }, 95).data);
}

/** Writes files (relative path → bytes) under a folder. */
export function writeTree(root: string, files: Record<string, Buffer>): string {
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  return root;
}

/** Two classes of tiny grey PNG digits-like images (3 per class, 4×4). */
export function twoClassPngs(): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 3; i++) {
    files[`zero/${i}.png`] = pngBytes(4, 4, (x) => (x < 2 ? 255 : 0));
    files[`one/${i}.png`] = pngBytes(4, 4, (_x, y) => (y < 2 ? 255 : 0));
  }
  return files;
}
