import type { Rng } from '../rng';
import { stateField } from '../resume/state-fields';
import type { MethodState } from './method';

/** How often the oracle looks at which pool rows (docs/methods.md §3.7). */
export interface OracleSchedule {
  /** Pool rows re-checked at every step without a full pass (0: full passes only). */
  slice: number;
  /** Steps between two full passes over the pool, the first at step 1. */
  every: number;
}

/** The current correctness (1 = right) of some pool rows, one forward pass of the current weights. */
export type CheckRows = (rows: Int32Array) => Uint8Array;

/**
 * mix-cd oracle's view of the collateral damage (docs/methods.md §3.7): the pool rows θ₀ got right (c₀ = 1)
 * that were wrong when last checked. A full pass checks every row every `every` steps; the steps between
 * check the next `slice` rows of a cursor that wraps round the pool; a row drawn for rehearsal is checked
 * before it is used, and the rehearsed rows again by the training step's own forward pass. A checked row
 * joins the set when it is wrong and c₀ = 1, and leaves it when it is right; unchecked rows keep their last verdict.
 */
export class OracleDamage {
  private readonly flags: Uint8Array;
  private rows: Int32Array = new Int32Array(0);
  private cursor = 0;
  private forwards = 0;
  /** Rows checked under the current weights (this step): every row after a full pass. */
  private readonly fresh = new Set<number>();
  private allFresh = false;

  /** c0: θ₀'s correctness of every pool row. */
  constructor(
    private readonly c0: Uint8Array,
    private readonly schedule: OracleSchedule,
  ) {
    this.flags = new Uint8Array(c0.length);
  }

  /** Before step `step` (1-based, weights as they are now): the full pass, or the next slice of rows round the pool. */
  refresh(step: number, check: CheckRows): void {
    const n = this.c0.length;
    this.fresh.clear();
    this.allFresh = (step - 1) % this.schedule.every === 0;
    if (this.allFresh)
      return this.check(
        Int32Array.from({ length: n }, (_, i) => i),
        check,
      );
    const size = Math.min(this.schedule.slice, n);
    if (!size) return;
    this.check(
      Int32Array.from({ length: size }, (_, i) => (this.cursor + i) % n),
      check,
    );
    this.cursor = (this.cursor + size) % n;
  }

  /**
   * Up to `count` rows drawn uniformly (with replacement) among the damaged ones, each checked to be damaged
   * under the current weights first: a drawn row found right leaves the set and its draw is made again.
   * Fewer (none while nothing is damaged) when the set runs dry.
   */
  draw(rng: Rng, count: number, check: CheckRows): Int32Array {
    const slots = new Int32Array(count).fill(-1);
    let open = true;
    while (open) {
      for (let i = 0; i < count; i++)
        if (slots[i] < 0 || !this.flags[slots[i]]) slots[i] = this.rows.length ? this.rows[Math.floor(rng.next() * this.rows.length)] : -1;
      if (this.allFresh) break;
      const unchecked = Int32Array.from(new Set(Array.from(slots).filter((row) => row >= 0 && !this.fresh.has(row))));
      open = unchecked.length > 0;
      if (open) this.check(unchecked, check);
    }
    return slots.filter((row) => row >= 0);
  }

  /** Updates the set from the rehearsed rows' correctness in the training step's own forward pass (no extra cost). */
  observe(rows: Int32Array, correct: Uint8Array): void {
    this.update(rows, correct);
  }

  private check(rows: Int32Array, check: CheckRows): void {
    this.update(rows, check(rows));
    this.forwards += rows.length;
    for (const row of rows) this.fresh.add(row);
  }

  private update(rows: Int32Array, correct: Uint8Array): void {
    let changed = false;
    for (let i = 0; i < rows.length; i++) {
      const flag = this.c0[rows[i]] & (correct[i] ^ 1);
      changed ||= flag !== this.flags[rows[i]];
      this.flags[rows[i]] = flag;
    }
    if (changed) this.rows = damagedRows(this.flags);
  }

  /** The damaged rows as last checked, in row order. */
  get damaged(): Int32Array {
    return this.rows;
  }

  /** Pool rows forwarded by the oracle so far (its extra cost over the estimate). */
  get extraForwards(): number {
    return this.forwards;
  }

  /** The damaged rows, the cursor and the forward count, for a resume point (a step's checks end with it). */
  saveState(): MethodState {
    return { damaged: this.rows.slice(), cursor: this.cursor, oracleForwards: this.forwards };
  }

  /** Continues from a saved state; rows or a cursor outside this pool are refused. */
  restoreState(state: MethodState): void {
    const n = this.c0.length;
    const rows = stateField(state, 'mix-cd', 'damaged', 'Int32Array');
    const cursor = stateField(state, 'mix-cd', 'cursor', 'number');
    if (rows.some((r) => r < 0 || r >= n || !this.c0[r]))
      throw new Error(`resume point does not fit this job: the saved mix-cd damaged rows are not all rows 0..${n - 1} that θ₀ got right`);
    if (!Number.isInteger(cursor) || cursor < 0 || cursor >= Math.max(n, 1))
      throw new Error(`resume point does not fit this job: the saved mix-cd cursor ${cursor} is not a row 0..${n - 1}`);
    this.flags.fill(0);
    for (const r of rows) this.flags[r] = 1;
    this.rows = damagedRows(this.flags);
    this.cursor = cursor;
    this.forwards = stateField(state, 'mix-cd', 'oracleForwards', 'number');
  }
}

/** The rows whose flag is set, in row order. */
function damagedRows(flags: Uint8Array): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < flags.length; i++) if (flags[i]) rows.push(i);
  return Int32Array.from(rows);
}
