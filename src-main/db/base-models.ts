import type { BaseModelSummary } from '../../src-shared/api';
import type { BaseModelSpec } from '../../src-shared/config';
import { baseModelSpecSchema, parseRunConfig } from '../../src-shared/run-record';
import { DEFAULT_WEIGHT_INIT } from '../../src-shared/weight-init';
import { nowIso, type Db } from './types';

interface Row {
  id: string;
  name: string;
  recipe: string;
  spec_key: string;
  status: BaseModelSummary['status'];
  pretrain_run_id: string | null;
  checkpoint_id: number | null;
  a_pre: number | null;
  param_count: number | null;
  created_at: string;
  pretrain_config: string | null;
}

// A base model's metric is its pretraining run's (the run record's `metric`).
const SELECT = `SELECT base_models.*, runs.config_json AS pretrain_config FROM base_models LEFT JOIN runs ON runs.id = base_models.pretrain_run_id`;

function pretrainMetric(row: Row): BaseModelSummary['metric'] {
  if (row.pretrain_config === null || row.pretrain_run_id === null) return null;
  try {
    const parsed = parseRunConfig(JSON.parse(row.pretrain_config), row.pretrain_run_id);
    return parsed.ok ? parsed.config.metric : null;
  } catch {
    return null;
  }
}

/** A stored base model with its checkpoint. */
export interface BaseModelRecord extends BaseModelSummary {
  checkpointId: number | null;
}

/** The spec a row's identity holds, parsed by the run record's schema (null when it does not parse). */
function storedSpec(specKeyJson: string): BaseModelSpec | null {
  try {
    const parsed = baseModelSpecSchema.safeParse(JSON.parse(specKeyJson));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The canonical JSON of a base-model spec: equal specs give equal keys, so a model is pretrained once.
 * The default initialisation is left out, so a Glorot spec keeps the key of the models stored before `init` existed.
 */
export function specKey(spec: BaseModelSpec): string {
  const { init, ...rest } = spec;
  const identity = init === DEFAULT_WEIGHT_INIT ? rest : spec;
  const sort = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as object)
            .sort()
            .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
        )
      : v;
  return JSON.stringify(sort(identity));
}

function toRecord(row: Row): BaseModelRecord {
  // A spec that does not parse names no classes, and nothing can be fine-tuned from it: it is listed as failed.
  const spec = storedSpec(row.spec_key);
  return {
    id: row.id,
    name: row.name,
    recipe: row.recipe,
    init: spec?.init ?? DEFAULT_WEIGHT_INIT,
    classes: spec?.classes ?? [],
    classNames: spec?.classNames ?? null,
    status: spec ? row.status : 'failed',
    pretrainRunId: row.pretrain_run_id,
    metric: pretrainMetric(row),
    aPre: row.a_pre,
    paramCount: row.param_count,
    createdAt: row.created_at,
    checkpointId: row.checkpoint_id,
  };
}

/** The newest base model with this spec that is ready or still pretraining, if any. */
export function findUsableBaseModel(db: Db, spec: BaseModelSpec): BaseModelRecord | null {
  const row = db
    .prepare(`${SELECT} WHERE base_models.spec_key = ? AND base_models.status IN ('ready', 'pretraining') ORDER BY base_models.created_at DESC LIMIT 1`)
    .get(specKey(spec)) as Row | undefined;
  return row ? toRecord(row) : null;
}

/** Records a base model that is about to be pretrained by `pretrainRunId`. */
export function insertBaseModel(db: Db, m: { id: string; name: string; spec: BaseModelSpec; pretrainRunId: string }): void {
  db.prepare(`INSERT INTO base_models (id, name, recipe, spec_key, status, pretrain_run_id, created_at) VALUES (?, ?, ?, ?, 'pretraining', ?, ?)`).run(
    m.id,
    m.name,
    m.spec.recipe,
    specKey(m.spec),
    m.pretrainRunId,
    nowIso(),
  );
}

/** Marks a base model ready with its checkpoint and pretrain accuracy. */
export function markBaseModelReady(db: Db, id: string, checkpointId: number, aPre: number | null, paramCount: number): void {
  db.prepare(`UPDATE base_models SET status = 'ready', checkpoint_id = ?, a_pre = ?, param_count = ? WHERE id = ?`).run(checkpointId, aPre, paramCount, id);
}

/** Marks a base model whose pretraining did not finish. */
export function markBaseModelFailed(db: Db, id: string): void {
  db.prepare(`UPDATE base_models SET status = 'failed' WHERE id = ? AND status = 'pretraining'`).run(id);
}

/** One base model by id. */
export function getBaseModel(db: Db, id: string): BaseModelRecord | null {
  const row = db.prepare(`${SELECT} WHERE base_models.id = ?`).get(id) as Row | undefined;
  return row ? toRecord(row) : null;
}

/** Every base model, newest first. */
export function listBaseModels(db: Db): BaseModelRecord[] {
  return (db.prepare(`${SELECT} ORDER BY base_models.created_at DESC`).all() as Row[]).map(toRecord);
}
