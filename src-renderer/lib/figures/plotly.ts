import type Plotly from 'plotly.js-dist';

let loading: Promise<typeof Plotly> | null = null;

/** Plotly, loaded on first use: it is several megabytes and only charts need it. */
export function loadPlotly(): Promise<typeof Plotly> {
  loading ??= import('plotly.js-dist').then((m) => m.default);
  return loading;
}
