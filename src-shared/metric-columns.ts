/** A headline metric as tables and figures show it. */
export interface MetricColumn {
  /** Key in RunHeadline. */
  key: string;
  label: string;
  /** The same label in LaTeX math/text. */
  latex: string;
  /** What the displayed number is: '%' of accuracy, accuracy points, or a plain number. */
  unit: '%' | 'pts' | '';
  /** Displayed value = stored value × scale. */
  scale: number;
  /** Which way is better, for bolding the best row; null where neither is (a distance is a description, not a goal). */
  better: 'higher' | 'lower' | null;
}

/** The headline metrics of methods.md §2 in table order. */
export const METRIC_COLUMNS: readonly MetricColumn[] = [
  { key: 'aPre', label: 'A_pre', latex: '$A_\\mathrm{pre}$', unit: '%', scale: 100, better: 'higher' },
  { key: 'aTgt', label: 'A_tgt', latex: '$A_\\mathrm{tgt}$', unit: '%', scale: 100, better: 'higher' },
  { key: 'retention', label: 'Retention', latex: '$R_\\mathrm{pre}$', unit: '%', scale: 100, better: 'higher' },
  { key: 'forgetting', label: 'Forgetting', latex: '$F_\\mathrm{pre}$', unit: 'pts', scale: 100, better: 'lower' },
  { key: 'targetGain', label: 'Target gain', latex: '$G_\\mathrm{tgt}$', unit: 'pts', scale: 100, better: 'higher' },
  { key: 'cdAbs', label: 'CD', latex: 'CD', unit: '%', scale: 100, better: 'lower' },
  { key: 'cdCond', label: 'CD cond.', latex: 'CD$_\\mathrm{cond}$', unit: '%', scale: 100, better: 'lower' },
  { key: 'weightDistance', label: '‖θ−θ₀‖₂', latex: '$\\lVert\\theta-\\theta_0\\rVert_2$', unit: '', scale: 1, better: null },
  { key: 'weightDistanceRel', label: '‖θ−θ₀‖₂/‖θ₀‖₂', latex: '$\\lVert\\theta-\\theta_0\\rVert_2/\\lVert\\theta_0\\rVert_2$', unit: '', scale: 1, better: null },
];

/** Decimals that show a value of this metric sensibly: one for percentages and points, three significant digits otherwise. */
export function metricDecimals(column: MetricColumn, displayed: number): number {
  if (column.unit) return 1;
  if (displayed === 0 || !Number.isFinite(displayed)) return 2;
  return Math.max(0, Math.min(6, 2 - Math.floor(Math.log10(Math.abs(displayed)))));
}
