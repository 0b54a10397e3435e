import { describe, expect, it } from 'vitest';
import { paperText } from '../../src-renderer/lib/figures/style';

describe('text set for paper in one font family', () => {
  it('writes Unicode subscript digits as Plotly subscripts, so the font’s own digits draw them', () => {
    expect(paperText('base model θ₀')).toBe('base model θ<sub>0</sub>');
    expect(paperText('x₁₂ and y₃')).toBe('x<sub>12</sub> and y<sub>3</sub>');
  });

  it('spells the symbols the paper fonts lack with glyphs they have, and leaves the rest alone', () => {
    expect(paperText('Weight distance ‖θ−θ₀‖<sub>2</sub>')).toBe('Weight distance ||θ−θ<sub>0</sub>||<sub>2</sub>');
    expect(paperText('digits 0-9 → Rotated digits')).toBe('digits 0-9 to Rotated digits');
    expect(paperText('WiSE-FT (α=0.5) ± 1.2')).toBe('WiSE-FT (α=0.5) ± 1.2');
    expect(paperText(42)).toBe(42);
  });
});
