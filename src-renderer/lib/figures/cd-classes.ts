import type { RunDetail } from '../../../src-shared/api';
import { groupedBars } from './bars';
import { emptyFigure, finalPoint, type Figure, type FigureContext } from './figure';

// The engine relabels a pretrain subset 0..k−1; the stored config names the digit behind each index.
function className(run: RunDetail, label: number): string {
  const classes = (run.config as { baseModel?: { classes?: number[] } }).baseModel?.classes;
  return `digit ${classes?.[label] ?? label}`;
}

/** Collateral damage per pretrain class: the share of each class's eval samples that went correct → wrong, at the final point. */
export function cdClassesFigure(runs: RunDetail[], ctx: FigureContext): Figure {
  const data = groupedBars(runs, ctx, (run) => new Map((finalPoint(run)?.perClass ?? []).map((c) => [className(run, c.label), c.n ? (c.damaged / c.n) * 100 : 0])));
  if (!data.length) return emptyFigure('No selected run has a final evaluation');
  return {
    data,
    layout: {
      barmode: 'group',
      xaxis: { title: { text: 'Pretrain class' }, type: 'category' },
      yaxis: { title: { text: 'Collateral damage, 1→0 (% of class)' }, rangemode: 'tozero' },
    },
    empty: null,
  };
}
