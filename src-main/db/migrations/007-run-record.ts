import type Database from 'better-sqlite3';

// Frozen with this migration: what schema-6 stores hold. Later changes to the task registry or the
// run-record schema must not change how these rows are moved, so nothing here is imported.
/** The language-model tasks at schema 6: their runs measure mean token loss; every other run accuracy. */
const LOSS_TASKS = new Set(['sotu', 'sotu-early', 'sotu-late']);
/** The collateral-damage threshold (nats) the loss runs of schema 6 used when they stored none. */
const LOSS_RISE = 0.1;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Data blocks from before text studies had no `source`: they were the digits. */
function withSource(data: unknown): unknown {
  return isObject(data) && data.source === undefined ? { source: 'mnist-digits', ...data } : data;
}

function withDataSource(spec: unknown): unknown {
  return isObject(spec) ? { ...spec, data: withSource(spec.data) } : spec;
}

function metricFor(task: unknown, stored: unknown): unknown {
  if (stored !== undefined) return stored;
  return typeof task === 'string' && LOSS_TASKS.has(task) ? 'loss' : 'accuracy';
}

/** A pretraining run's `{spec, task, backend}` as a run record of version 1. */
function pretrainRecord(old: Json, studyName: string): Json {
  return {
    version: 1,
    kind: 'pretrain',
    studyName,
    baseModel: withDataSource(old.spec),
    target: { task: old.task },
    backend: old.backend,
    metric: metricFor(old.task, undefined),
  };
}

/** A fine-tuning run's config as a run record of version 1: its data only in the base-model spec (the copy the model was pretrained and evaluated with), its metric stored. */
function finetuneRecord(old: Json): Json {
  const { data: _duplicate, metric, lossRise, ...rest } = old;
  const task = isObject(old.target) ? old.target.task : undefined;
  const m = metricFor(task, metric);
  return {
    version: 1,
    kind: 'finetune',
    ...rest,
    baseModel: withDataSource(old.baseModel),
    metric: m,
    ...(m === 'loss' ? { lossRise: lossRise ?? LOSS_RISE } : {}),
  };
}

/** The canonical JSON of a spec as base_models.spec_key holds it: object keys sorted, arrays as they are. */
function canonical(v: unknown): string {
  const sort = (x: unknown): unknown =>
    isObject(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, sort(x[k])]),
        )
      : x;
  return JSON.stringify(sort(v));
}

/**
 * Rewrites every run's config as a run record of version 1: one shape for pretraining runs (they
 * stored `{spec, task, backend}`) and fine-tuning runs, one data block (the base-model spec's), the
 * metric stored (runs before text studies: accuracy; language-model tasks: loss). Rows of neither
 * shape (not JSON, not the objects schema 6 wrote) are left as they are: reading them reports them as unreadable. Base-model identities
 * from before text studies get their data's `source`, so a new identical study still finds them.
 */
function up(db: Database.Database): void {
  const rows = db
    .prepare(`SELECT runs.id, runs.kind, runs.config_json, studies.name AS study_name FROM runs LEFT JOIN studies ON studies.id = runs.study_id`)
    .all() as {
    id: string;
    kind: string;
    config_json: string;
    study_name: string | null;
  }[];
  const update = db.prepare(`UPDATE runs SET config_json = ? WHERE id = ?`);
  for (const row of rows) {
    let old: unknown;
    try {
      old = JSON.parse(row.config_json);
    } catch {
      continue;
    }
    if (!isObject(old) || old.version !== undefined) continue;
    // Only the two shapes schema 6 wrote are moved; anything else stays as it was and reads as unreadable, not half-rewritten.
    const pretrainShape = isObject(old.spec) && typeof old.task === 'string';
    const finetuneShape = isObject(old.baseModel) && isObject(old.method);
    if (row.kind === 'pretrain' ? !pretrainShape : !finetuneShape) continue;
    const record = row.kind === 'pretrain' ? pretrainRecord(old, row.study_name ?? '') : finetuneRecord(old);
    update.run(JSON.stringify(record), row.id);
  }
  const models = db.prepare(`SELECT id, spec_key FROM base_models`).all() as { id: string; spec_key: string }[];
  const rekey = db.prepare(`UPDATE base_models SET spec_key = ? WHERE id = ?`);
  for (const m of models) {
    let spec: unknown;
    try {
      spec = JSON.parse(m.spec_key);
    } catch {
      continue;
    }
    const key = canonical(withDataSource(spec));
    if (key !== m.spec_key) rekey.run(key, m.id);
  }
}

/** Schema version 7: typed, versioned run records (src-shared/run-record.ts); moves data, adds no table. */
export const migration007 = { version: 7, name: 'run-record', up };
