import type { Data, Layout } from 'plotly.js-dist';
import type { RunDetail } from '../../../src-shared/api';
import type { EvalPoint } from '../../../src-shared/evaluation';
import type { MethodStyle } from '../../../src-shared/method-style';
import type { StyledRun } from '../compare/method-style';

/** A chart as data and layout, with axis titles and units but no styling (screen or paper styling is applied after). */
export interface Figure {
  data: Data[];
  layout: Partial<Layout>;
  /** Why there is nothing to draw, when there is nothing; the figure then says so instead of showing empty axes. */
  empty: string | null;
}

/** What every figure builder needs besides the runs. */
export interface FigureContext {
  /** The colour and marker of a run's (possibly combined) method, from the catalog. */
  styleOf: (run: StyledRun) => MethodStyle;
  /** For the trade-off figure: the swept config path (e.g. "budget.epochs"); null follows each sweep's first axis, or without sweeps the first numeric path that varies. */
  param?: string | null;
  /** Learning curves and WiSE-FT α curves: each experiment's mean over seeds only ('mean', the default), or each seed's own line faintly under it too. */
  seeds?: 'mean' | 'all';
}

/** The run's final evaluation of the trained model (not a WiSE-FT sweep point); the last training point before it ends. */
export function finalPoint(run: RunDetail): EvalPoint | null {
  const trained = run.evaluations.filter((e) => e.phase === 'final' || e.phase === 'train');
  return trained.filter((e) => e.phase === 'final').at(-1) ?? trained.at(-1) ?? null;
}

/** How one side of the runs (A_pre or A_tgt) is drawn: accuracy in percent, or mean token loss in nats. */
export interface SideAxis {
  loss: boolean;
  /** Factor from the stored value to the plotted one. */
  scale: number;
  /** The axis title. */
  title: string;
  /** Hover format of a plotted value with its unit. */
  hover: string;
}

/** How A_pre and A_tgt of the runs are drawn, each in its own metric (a language model fine-tuned into a classifier: A_pre in nats, A_tgt in %). */
export interface MetricAxis {
  pre: SideAxis;
  tgt: SideAxis;
}

function sideAxis(loss: boolean, side: 'pre' | 'tgt'): SideAxis {
  const name = side === 'pre' ? 'Pretrain' : 'Target';
  return loss
    ? { loss, scale: 1, title: `${name} loss L<sub>${side}</sub> (nats)`, hover: '%{VAL:.3f} nats' }
    : { loss, scale: 100, title: `${name} accuracy A<sub>${side}</sub> (%)`, hover: '%{VAL:.1f}%' };
}

/** The metric axes of a set of runs: a side in loss when every run measures it so (mixed selections are drawn as accuracy, as before text studies). */
export function metricAxis(runs: Pick<RunDetail, 'metric' | 'targetMetric'>[]): MetricAxis {
  const all = (of: (r: Pick<RunDetail, 'metric' | 'targetMetric'>) => string | null) => runs.length > 0 && runs.every((r) => of(r) === 'loss');
  return {
    pre: sideAxis(
      all((r) => r.metric),
      'pre',
    ),
    tgt: sideAxis(
      all((r) => r.targetMetric ?? r.metric),
      'tgt',
    ),
  };
}

/** A figure with nothing to draw and the reason. */
export function emptyFigure(reason: string): Figure {
  return {
    data: [],
    layout: {
      xaxis: { visible: false },
      yaxis: { visible: false },
      annotations: [{ text: reason, showarrow: false, xref: 'paper', yref: 'paper', x: 0.5, y: 0.5 }],
    },
    empty: reason,
  };
}

/**
 * The Plotly marker of a method style. Filled markers get a thin dark outline so that pale colours (sand,
 * cyan) stay visible on white; open ones are drawn in the method's colour.
 */
export function styleMarker(
  style: MethodStyle,
  size: number,
): { symbol: MethodStyle['marker']; size: number; color: string; line: { color: string; width: number } } {
  const open = style.marker.endsWith('-open');
  return { symbol: style.marker, size, color: style.color, line: { color: open ? style.color : '#333333', width: open ? 1.5 : 0.5 } };
}

/** The Plotly line of a method style: its colour and line style at a width. */
export function styleLine(style: MethodStyle, width: number): { color: string; width: number; dash: MethodStyle['dash'] } {
  return { color: style.color, width, dash: style.dash };
}

/** A #RRGGBB colour at an opacity, for bands and single seeds drawn under their mean. */
export function translucent(color: string, opacity: number): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${opacity})`;
}

/** Light grey for reference lines and the base model, readable in print. */
export const REFERENCE_GREY = '#888888';
