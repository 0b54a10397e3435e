import type { RunSummary } from '../../src-shared/api';
import { summary } from '../renderer/run-fixtures';

/** A run of a library study: pretrain dataset `pretrain`, target dataset `target`, `names` as the store lists them ("iris → wine"). */
export function libraryRun(id: string, pretrain: string, target: string, names: string): RunSummary {
  const run = summary({ id, task: 'dataset', baseModel: { classes: [0, 1, 2] } });
  const config = run.config as Extract<RunSummary['config'], { kind: 'finetune' }>;
  return {
    ...run,
    taskLabel: names,
    config: {
      ...config,
      baseModel: { ...config.baseModel, data: { source: 'library', pretrain, minCharCount: 5 } },
      target: { task: 'dataset', dataset: target },
    },
  };
}
