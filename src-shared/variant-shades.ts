/**
 * Lightness bounds of a variant ramp, in CIE L*. The lightest shade keeps a 3:1 contrast with white
 * (WCAG's bound for graphical objects: L* 61.7) with a margin for rounding to 8-bit channels; the
 * darkest stays short of black so that the method's hue is still seen.
 */
const LIGHTEST_L = 60;
const DARKEST_L = 25;

/** The contrast a graphical object needs against the white page (WCAG 2.1 non-text contrast). */
export const MIN_CONTRAST_ON_WHITE = 3;

type Rgb = [number, number, number];

function parseHex(color: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`colour must be #RRGGBB, got ${JSON.stringify(color)}`);
  return [m[1], m[2], m[3]].map((h) => parseInt(h, 16) / 255) as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb
    .map((c) =>
      Math.round(Math.min(1, Math.max(0, c)) * 255)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')
    .toUpperCase()}`;
}

// sRGB channel → linear light (IEC 61966-2-1).
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const luminanceOf = ([r, g, b]: Rgb) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
const lightnessOf = (rgb: Rgb) => {
  const y = luminanceOf(rgb);
  return y > 216 / 24389 ? 116 * Math.cbrt(y) - 16 : (24389 / 27) * y;
};

/** Contrast ratio of a #RRGGBB colour against white, from 1 (white) to 21 (black). */
export function contrastOnWhite(color: string): number {
  return 1.05 / (luminanceOf(parseHex(color)) + 0.05);
}

function toHsl([r, g, b]: Rgb): { h: number; s: number } {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return { h: 0, s: 0 };
  const s = d / (1 - Math.abs(2 * l - 1));
  const h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { h: h * 60, s };
}

function fromHsl(h: number, s: number, l: number): Rgb {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [r + m, g + m, b + m];
}

// For a fixed hue and saturation every channel grows with HSL lightness, so L* does too: bisect.
function shadeAt(h: number, s: number, targetL: number): string {
  let [lo, hi] = [0, 1];
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (lightnessOf(fromHsl(h, s, mid)) < targetL) lo = mid;
    else hi = mid;
  }
  return toHex(fromHsl(h, s, lo));
}

/**
 * A sequential ramp of n shades of one method's hue, light to dark, for the variants of that method
 * (a swept parameter in value order): evenly spaced in perceived lightness (CIE L*) between a lightest
 * shade that keeps 3:1 contrast on white and a dark one that still shows the hue. A single variant
 * keeps the colour itself.
 */
export function variantShades(color: string, n: number): string[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`number of variants must be a positive integer, got ${n}`);
  const rgb = parseHex(color);
  if (n === 1) return [toHex(rgb)];
  const { h, s } = toHsl(rgb);
  return Array.from({ length: n }, (_, i) => shadeAt(h, s, LIGHTEST_L - (i * (LIGHTEST_L - DARKEST_L)) / (n - 1)));
}
