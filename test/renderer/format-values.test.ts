import { describe, expect, it } from 'vitest';
import { paramValue, plural } from '../../src-renderer/lib/format';

describe('counts and parameter values as the wizard and sweep figures show them', () => {
  it('names a count with its noun, plural unless one', () => {
    expect(plural(1, 'seed')).toBe('1 seed');
    expect(plural(0, 'run')).toBe('0 runs');
    expect(plural(360, 'fine-tuning run')).toBe('360 fine-tuning runs');
  });

  it('shows numbers to 4 significant digits, lists bracketed, switches and choices as written, a missing value as a dash', () => {
    expect(paramValue(10 ** -2.5)).toBe('0.003162');
    expect(paramValue(16)).toBe('16');
    expect(paramValue([0, 0.5, 1])).toBe('[0, 0.5, 1]');
    expect(paramValue(false)).toBe('false');
    expect(paramValue('fisher')).toBe('fisher');
    expect(paramValue(undefined)).toBe('–');
  });
});
