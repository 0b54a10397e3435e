import { seedGroupKey } from '../../src-shared/aggregate';
import type { Recipe, RunConfig, StudyConfigInput } from '../../src-shared/config';

/**
 * Study configs that `retainlab run` expands back into the given fine-tuning runs' configs: runs
 * sharing base model, data, target, budget and backend form one study with their methods (in
 * first-seen order) × their seeds. Where the runs were not a full methods × seeds grid, the
 * re-run does the missing combinations too; `exact` says whether it does nothing more. Studies on
 * library datasets or an imported model name them by id: they re-run where the library holds them.
 */
export function studiesFromRuns(configs: readonly RunConfig[]): { study: StudyConfigInput; exact: boolean }[] {
  const byStudy = new Map<string, RunConfig[]>();
  for (const c of configs) {
    const { method: _m, seed: _s, ...shared } = c;
    const key = seedGroupKey(shared);
    const list = byStudy.get(key);
    if (list) list.push(c);
    else byStudy.set(key, [c]);
  }
  return [...byStudy.values()].map((runs) => {
    const first = runs[0];
    const methods: RunConfig['method'][] = [];
    const methodKeys: string[] = [];
    for (const r of runs) {
      const key = seedGroupKey(r.method);
      if (!methodKeys.includes(key)) {
        methodKeys.push(key);
        methods.push(r.method);
      }
    }
    const seeds = [...new Set(runs.map((r) => r.seed))];
    const combos = new Set(runs.map((r) => `${seedGroupKey(r.method)}|${r.seed}`));
    return {
      study: {
        name: first.studyName,
        baseModel: first.baseModel.imported ? { imported: first.baseModel.imported.id } : { recipe: first.baseModel.recipe as Recipe, pretrain: first.baseModel.pretrain },
        data: first.data,
        target: first.target,
        methods,
        budget: { ...first.budget, seeds },
        backend: first.backend,
      },
      exact: combos.size === methods.length * seeds.length,
    };
  });
}
