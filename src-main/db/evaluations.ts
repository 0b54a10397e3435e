import type { EvalPoint } from '../../src-shared/evaluation';
import type { Db } from './types';

interface Row {
  step: number;
  epoch: number;
  phase: EvalPoint['phase'];
  alpha: number | null;
  a_pre: number;
  a_tgt: number | null;
  cd_abs: number;
  cd_cond: number;
  gained_abs: number;
  loss: number | null;
  weight_distance: number;
  weight_distance_rel: number;
  per_class_json: string;
  per_layer_json: string;
  extras_json: string;
  generality_json: string | null;
}

/** Appends evaluation points to a run, in one transaction. */
export function insertEvaluations(db: Db, runId: string, points: EvalPoint[]): void {
  const next = db.prepare(`SELECT COALESCE(MAX(seq), -1) + 1 AS seq FROM evaluations WHERE run_id = ?`);
  const insert = db.prepare(
    `INSERT INTO evaluations (run_id, seq, step, epoch, phase, alpha, a_pre, a_tgt, cd_abs, cd_cond, gained_abs, loss,
       weight_distance, weight_distance_rel, per_class_json, per_layer_json, extras_json, generality_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    let seq = (next.get(runId) as { seq: number }).seq;
    for (const p of points) {
      insert.run(
        runId,
        seq++,
        p.step,
        p.epoch,
        p.phase,
        p.alpha,
        p.aPre,
        p.aTgt,
        p.cdAbs,
        p.cdCond,
        p.gainedAbs,
        p.loss,
        p.weightDistance,
        p.weightDistanceRel,
        JSON.stringify(p.perClass),
        JSON.stringify(p.perLayer),
        JSON.stringify(p.extras),
        p.generality ? JSON.stringify(p.generality) : null,
      );
    }
  })();
}

/** Every evaluation point of a run, in the order taken. */
export function listEvaluations(db: Db, runId: string): EvalPoint[] {
  const rows = db.prepare(`SELECT * FROM evaluations WHERE run_id = ? ORDER BY seq`).all(runId) as Row[];
  return rows.map((r) => ({
    step: r.step,
    epoch: r.epoch,
    phase: r.phase,
    alpha: r.alpha,
    aPre: r.a_pre,
    aTgt: r.a_tgt,
    cdAbs: r.cd_abs,
    cdCond: r.cd_cond,
    gainedAbs: r.gained_abs,
    loss: r.loss,
    weightDistance: r.weight_distance,
    weightDistanceRel: r.weight_distance_rel,
    perClass: JSON.parse(r.per_class_json),
    perLayer: JSON.parse(r.per_layer_json),
    extras: JSON.parse(r.extras_json),
    ...(r.generality_json === null ? {} : { generality: JSON.parse(r.generality_json) }),
  }));
}
