import { describe, expect, it } from 'vitest';
import { canCombine, slotConflict } from '../../src-shared/method-combination';
import { choiceStyle, UNKNOWN_METHOD_STYLE, type MethodStyle } from '../../src-shared/method-style';
import { methodCatalog } from '../../src-main/engine/methods/registry';

const catalog = methodCatalog();
const styleOf = (id: string): MethodStyle | undefined => catalog.find((m) => m.id === id)?.style;
const method = (id: string) => catalog.find((m) => m.id === id)!;

describe('method styles of combined runs', () => {
  it('draws a combined run in its primary colour with its partner marker, unlike either method alone', () => {
    const lora = choiceStyle(styleOf, 'lora', []);
    const rehearsal = choiceStyle(styleOf, 'rehearsal', []);
    const both = choiceStyle(styleOf, 'lora', ['rehearsal']);
    expect(both).toEqual({ color: lora.color, marker: rehearsal.marker, dash: lora.dash });
    expect(both).not.toEqual(lora);
    expect(both).not.toEqual(rehearsal);
  });

  it('opens the marker when two or more partners join', () => {
    expect(choiceStyle(styleOf, 'lora', ['rehearsal', 'wiseft'])).toEqual({
      color: method('lora').style.color,
      marker: `${method('rehearsal').style.marker}-open`,
      dash: method('lora').style.dash,
    });
  });

  it('draws a method the registry no longer has in grey', () => {
    expect(choiceStyle(styleOf, 'gone', [])).toEqual(UNKNOWN_METHOD_STYLE);
  });
});

describe('what combines with what', () => {
  it('refuses two methods claiming the same exclusive hook, naming both and the hook', () => {
    expect(slotConflict([method('rehearsal'), method('mixcd')])).toBe("'rehearsal' and 'mixcd' both provide the sampler; combine at most one of them");
    expect(canCombine(method('lora'), method('linear-probe'))).toBe(false);
  });

  it('offers post-hoc WiSE-FT to anything that trains, and never the vanilla baseline as a partner', () => {
    expect(canCombine(method('lora'), method('rehearsal'))).toBe(true);
    expect(canCombine(method('vanilla'), method('wiseft'))).toBe(true);
    expect(canCombine(method('lora'), method('vanilla'))).toBe(false);
    expect(canCombine(method('lora'), method('lora'))).toBe(false);
  });
});
