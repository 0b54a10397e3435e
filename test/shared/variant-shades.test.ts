import { describe, expect, it } from 'vitest';
import { contrastOnWhite, MIN_CONTRAST_ON_WHITE, variantShades } from '../../src-shared/variant-shades';

// Colours the methods declare: deep (indigo, purple), pale (sand, cyan) and black.
const COLOURS = ['#332288', '#AA4499', '#DDCC77', '#88CCEE', '#117733', '#000000'];

// Hue in degrees of a #RRGGBB colour.
function hue(color: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  const h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return h * 60;
}

describe('variant shades: a sequential ramp of one method\u2019s hue', () => {
  it('gives n distinct shades, each darker than the one before', () => {
    for (const colour of COLOURS)
      for (const n of [2, 3, 4, 6, 10]) {
        const shades = variantShades(colour, n);
        expect(new Set(shades).size, `${colour} × ${n}`).toBe(n);
        const contrasts = shades.map(contrastOnWhite);
        contrasts.slice(1).forEach((c, i) => expect(c, `${colour} × ${n}: shade ${i + 1}`).toBeGreaterThan(contrasts[i]));
      }
  });

  it('keeps every shade readable on white, pale colours included', () => {
    expect(contrastOnWhite('#DDCC77')).toBeLessThan(MIN_CONTRAST_ON_WHITE);
    for (const colour of COLOURS)
      for (const shade of variantShades(colour, 8)) expect(contrastOnWhite(shade), `${colour}: ${shade}`).toBeGreaterThanOrEqual(MIN_CONTRAST_ON_WHITE);
  });

  it('stays in the method\u2019s hue (greys for black), and a single variant keeps the colour itself', () => {
    for (const colour of COLOURS.slice(0, -1))
      for (const shade of variantShades(colour, 5)) {
        const apart = Math.abs(hue(shade) - hue(colour));
        expect(Math.min(apart, 360 - apart), `${colour}: ${shade}`).toBeLessThan(6);
      }
    for (const shade of variantShades('#000000', 3)) expect(new Set([shade.slice(1, 3), shade.slice(3, 5), shade.slice(5)]).size).toBe(1);
    expect(variantShades('#AA4499', 1)).toEqual(['#AA4499']);
  });

  it('names what is wrong with a bad colour or count', () => {
    expect(() => variantShades('purple', 3)).toThrow('colour must be #RRGGBB, got "purple"');
    expect(() => variantShades('#AA4499', 0)).toThrow('number of variants must be a positive integer, got 0');
  });
});
