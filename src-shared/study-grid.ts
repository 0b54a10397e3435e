import type { MethodChoice, StudyConfig } from './config';
import type { ParamValue } from './params';
import { gridPoints, gridSize, isSweep, samplePoints, type SweepAxis } from './sweep';

/** The budget fields a study may sweep (the rest of the budget is fixed; seeds are a list of their own). */
export const SWEPT_BUDGET_FIELDS = ['learningRate', 'epochs', 'batchSize'] as const;
/** The data fields a study may sweep (each value pretrains its own base model). */
export const SWEPT_DATA_FIELDS = ['useFraction'] as const;

/** The grid of one method entry of a study: its swept axes (run-config paths) and the points it runs, each over every seed. */
export interface GridEntry {
  /** `methods.<i>`: the runs of one sweep share their study and this id. */
  sweepId: string;
  methodIndex: number;
  /** The method and its partners, e.g. `lora + rehearsal`. */
  label: string;
  /** Run-config paths that vary: `method.params.rank`, `method.with.0.params.x`, `budget.learningRate`, `baseModel.data.useFraction`. */
  axes: string[];
  /** The points run (all of the grid, or a seeded sample of it), before seeds. */
  points: Record<string, ParamValue>[];
  /** How many points the whole grid has (more than `points` when sampled). */
  size: number;
}

/** The swept axes of a method choice's own parameters (its partners' under `method.with.<j>`). */
function methodAxes(choice: MethodChoice): SweepAxis[] {
  const axes: SweepAxis[] = [];
  const add = (prefix: string, params: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(params)) if (isSweep(value)) axes.push({ path: `${prefix}.params.${key}`, values: value.values });
  };
  add('method', choice.params);
  choice.with.forEach((c, j) => add(`method.with.${j}`, c.params));
  return axes;
}

/** The axes every method of a study shares: swept budget and data fields. */
function studyAxes(study: StudyConfig): SweepAxis[] {
  const axes: SweepAxis[] = [];
  for (const key of SWEPT_BUDGET_FIELDS) {
    const value = study.budget[key];
    if (isSweep(value)) axes.push({ path: `budget.${key}`, values: value.values });
  }
  if (study.data.source === 'mnist-digits') {
    for (const key of SWEPT_DATA_FIELDS) {
      const value = study.data[key];
      if (isSweep(value)) axes.push({ path: `baseModel.data.${key}`, values: value.values });
    }
  }
  return axes;
}

/** The axes of every method entry of a study and their sizes, without listing points (cheap for any grid). */
export function studyAxesOf(study: StudyConfig): { axes: SweepAxis[]; size: number }[] {
  const shared = studyAxes(study);
  return study.methods.map((m) => {
    const axes = [...methodAxes(m), ...shared];
    return { axes, size: gridSize(axes) };
  });
}

/**
 * The grid of each method entry of a study: its own swept parameters × the swept budget and data
 * fields, all points or, with `sweep.sample`, a seeded sample of n points of each entry's grid.
 */
export function studyGrid(study: StudyConfig): GridEntry[] {
  return studyAxesOf(study).map(({ axes, size }, i) => {
    const m = study.methods[i];
    const all = gridPoints(axes);
    const sample = study.sweep?.sample;
    return {
      sweepId: `methods.${i}`,
      methodIndex: i,
      label: [m.id, ...m.with.map((w) => w.id)].join(' + '),
      axes: axes.map((a) => a.path),
      points: sample === undefined ? all : samplePoints(all, sample, (study.sweep?.seed ?? 0) + i),
      size,
    };
  });
}

/** A copy of a record with each dotted path of a point set to its value (the paths exist in the record). */
export function withPoint<T>(record: T, point: Record<string, ParamValue>): T {
  // Run records are plain JSON: a JSON round trip copies them where no runtime's structuredClone is assumed.
  const copy = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
  for (const [path, value] of Object.entries(point)) {
    const keys = path.split('.');
    let node = copy;
    for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
    node[keys.at(-1)!] = value;
  }
  return copy as T;
}

// Four significant digits: a log range's 0.000948683298051 reads 0.0009487 in a label.
const shown = (v: unknown): string =>
  typeof v === 'number' ? String(Number(v.toPrecision(4))) : Array.isArray(v) ? `[${v.map(shown).join(', ')}]` : String(v);

/** A sweep point as a short label, each run-config path by its last key and numbers to 4 significant digits: `rank=4, learningRate=0.0009487`. */
export function pointLabel(point: Record<string, unknown>): string {
  return Object.entries(point)
    .map(([path, v]) => `${path.split('.').at(-1)}=${shown(v)}`)
    .join(', ');
}
