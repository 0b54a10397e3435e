import { configDifferences } from '../../../src-shared/config-diff';
import type { MethodStyle } from '../../../src-shared/method-style';
import { variantShades } from '../../../src-shared/variant-shades';
import type { StyledRun } from '../compare/method-style';

/** A series of a figure (a seed group, a trade-off series): its key and its runs. */
export interface StyledSeries {
  key: string;
  runs: readonly StyledRun[];
}

// Seeds are aggregated within a series and the study name computes nothing: neither makes a variant; a sweep tag repeats values found elsewhere in the config.
const NOT_VARIANT = /^(seed|studyName|sweep(\..*)?)$/;

/** Config display values in order: numbers by value (0.001 before 0.01, 4 before 16), anything else by its text. */
export function compareValues(a: string, b: string): number {
  const [x, y] = [Number(a), Number(b)];
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a.localeCompare(b);
}

/**
 * How each series is drawn: in its method's declared style, and where several series share one style
 * (variants of a method: a LoRA rank sweep, WiSE-FT runs with other α grids, L2 strengths) in a
 * light-to-dark ramp of its hue, ordered by the values that tell them apart (the method's own
 * parameters first), marker and line style kept.
 */
export function seriesStyles(series: readonly StyledSeries[], styleOf: (run: StyledRun) => MethodStyle): Map<string, MethodStyle> {
  const declared = series.map((s) => styleOf(s.runs[0]));
  const families = new Map<string, number[]>();
  declared.forEach((style, i) => {
    const key = JSON.stringify(style);
    families.set(key, [...(families.get(key) ?? []), i]);
  });
  const styles = new Map<string, MethodStyle>();
  for (const members of families.values()) {
    const differences = configDifferences(members.map((i) => series[i].runs[0].config))
      .filter((d) => !NOT_VARIANT.test(d.path))
      // Stable: paths keep their sorted order within each kind.
      .sort((a, b) => Number(!a.path.startsWith('method.')) - Number(!b.path.startsWith('method.')));
    const order = members.map((_, j) => j).sort((a, b) => differences.reduce((c, d) => c || compareValues(d.values[a], d.values[b]), 0) || a - b);
    const shades = variantShades(declared[members[0]].color, members.length);
    order.forEach((j, rank) => styles.set(series[members[j]].key, { ...declared[members[j]], color: shades[rank] }));
  }
  return styles;
}
