/**
 * Resizes [h, w, c] 8-bit samples to [outH, outW, c] floats in [0, 1] by area averaging: each
 * output pixel is the mean of the source pixels it covers (the nearest one when enlarging), which
 * avoids the aliasing of point sampling when photos shrink to a few dozen pixels.
 */
export function resizeToUnit(data: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW * c);
  for (let oy = 0; oy < outH; oy++) {
    const y0 = Math.floor((oy * h) / outH);
    const y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * h) / outH));
    for (let ox = 0; ox < outW; ox++) {
      const x0 = Math.floor((ox * w) / outW);
      const x1 = Math.max(x0 + 1, Math.floor(((ox + 1) * w) / outW));
      const count = (y1 - y0) * (x1 - x0) * 255;
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += data[(y * w + x) * c + k];
        out[(oy * outW + ox) * c + k] = sum / count;
      }
    }
  }
  return out;
}

/** Converts 8-bit samples between grey (1 channel, ITU-R 601 luma) and colour (3 channels). */
export function convertChannels(data: Uint8Array, pixels: number, from: 1 | 3, to: 1 | 3): Uint8Array {
  if (from === to) return data;
  const out = new Uint8Array(pixels * to);
  for (let p = 0; p < pixels; p++) {
    if (to === 1) out[p] = Math.round(0.299 * data[p * 3] + 0.587 * data[p * 3 + 1] + 0.114 * data[p * 3 + 2]);
    else out[p * 3] = out[p * 3 + 1] = out[p * 3 + 2] = data[p];
  }
  return out;
}
