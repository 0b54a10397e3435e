import type { RunSummary } from '../../src-shared/api';
import { metricOfKey } from '../../src-shared/metric-columns';

/** A_pre / A_tgt of a run for a progress line, by the key's metric: accuracy in percent, a language model's mean token loss in nats. */
function value(run: RunSummary, key: 'aPre' | 'aTgt', v: number | null | undefined): string {
  if (v === null || v === undefined) return '  -  ';
  return metricOfKey(key, run) === 'loss' ? `${v.toFixed(3)} nats` : `${(v * 100).toFixed(1)}%`;
}

/** Prints run progress to stderr: every status change, and a progress line at most every 2 s per run. */
export function progressPrinter(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {
  const lastStatus = new Map<string, string>();
  const lastLine = new Map<string, number>();
  return (run: RunSummary) => {
    const label = `${run.id} ${run.kind === 'pretrain' ? 'pretrain' : run.methodId} seed ${run.seed}`;
    if (lastStatus.get(run.id) !== run.status) {
      lastStatus.set(run.id, run.status);
      const extra = run.error
        ? `: ${run.error}`
        : run.status === 'running'
          ? ''
          : run.headline
            ? ` A_pre ${value(run, 'aPre', run.headline.aPre)} A_tgt ${value(run, 'aTgt', run.headline.aTgt)}`
            : '';
      write(`[${label}] ${run.status}${run.backend ? ` on ${run.backend}` : ''}${extra}`);
      return;
    }
    const p = run.progress;
    const now = Date.now();
    if (!p || now - (lastLine.get(run.id) ?? 0) < 2000) return;
    lastLine.set(run.id, now);
    write(
      `[${label}] step ${p.step}/${p.totalSteps} epoch ${p.epoch} loss ${p.loss?.toFixed(4) ?? '-'} ` +
        `A_pre ${value(run, 'aPre', p.aPre)} A_tgt ${value(run, 'aTgt', p.aTgt)} ${p.samplesPerSecond ? `${Math.round(p.samplesPerSecond)} samples/s` : ''} ETA ${Math.ceil(p.etaSeconds ?? 0)} s`,
    );
  };
}
