import type { RunDetail } from '../../../src-shared/api';
import { findTask } from '../../../src-shared/tasks/lookup';
import { groupedBars } from './bars';
import { emptyFigure, finalPoint, type Figure, type FigureContext } from './figure';

// The engine relabels a pretrain subset 0..k−1; the stored config names what is behind each index:
// a library dataset's labels, the spam filter's ham and spam, or a digit.
function className(run: RunDetail, label: number): string {
  // A run whose stored config is unreadable has none: its classes are named by index.
  const base = run.config?.baseModel;
  if (base?.classNames) return base.classNames[label] ?? String(label);
  const taskNames = findTask(run.task)?.classNames;
  if (taskNames) return taskNames[label] ?? String(label);
  return `digit ${base?.classes?.[label] ?? label}`;
}

/** Collateral damage per pretrain class: the share of each class's eval samples that went correct → wrong, at the final point. */
export function cdClassesFigure(runs: RunDetail[], ctx: FigureContext): Figure {
  const { data, xaxis } = groupedBars(
    runs,
    ctx,
    (run) => new Map((finalPoint(run)?.perClass ?? []).map((c) => [className(run, c.label), c.n ? (c.damaged / c.n) * 100 : 0])),
  );
  if (!data.length) return emptyFigure('No selected run has a final evaluation');
  return {
    data,
    layout: {
      barmode: 'overlay',
      xaxis: { ...xaxis, title: { text: 'Pretrain class' } },
      yaxis: { title: { text: 'Collateral damage, 1→0 (% of class)' }, rangemode: 'tozero' },
    },
    empty: null,
  };
}
