import { PNG } from 'pngjs';

/** A sample image ([h, w, c] floats in [0, 1]) as a small PNG data URL for the preview grid. */
export function samplePngDataUrl(x: Float32Array, shape: number[]): string {
  const [h, w, c] = shape;
  const png = new PNG({ width: w, height: h });
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) png.data[p * 4 + k] = Math.round(Math.min(1, Math.max(0, x[p * c + (c === 1 ? 0 : k)])) * 255);
    png.data[p * 4 + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}
