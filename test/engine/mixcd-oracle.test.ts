import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';
import type { Dataset } from '../../src-main/engine/data/dataset';
import { loadMnistDigits } from '../../src-main/engine/data/mnist-digits';
import { disposeDevice, toDevice, type DeviceData } from '../../src-main/engine/device-data';
import type { MethodHooks, MethodState, TrainingSetup } from '../../src-main/engine/methods/method';
import { mixcd } from '../../src-main/engine/methods/mixcd';
import { OracleDamage } from '../../src-main/engine/methods/mixcd-oracle';
import { poolCorrectness, rowsCorrectness } from '../../src-main/engine/methods/rehearsal-stats';
import type { ModelSpec } from '../../src-main/engine/models/layers';
import { Model } from '../../src-main/engine/models/model';
import { Rng } from '../../src-main/engine/rng';

/** No backbone: the logits are x·K + b, so the weights decide outright which rows are right. */
const linearSpec = (inputs: number, classes: number): ModelSpec => ({
  recipe: 'test',
  inputShape: [1, inputs, 1],
  backbone: [],
  pretrainClasses: classes,
  targetClasses: null,
});

/** mix-cd's oracle over `pool`, set up as the trainer does, with θ₀ = `theta0` and the current weights in `model`. */
function oracleHooks(params: Record<string, unknown>, pool: DeviceData, model: Model, theta0: Map<string, Float32Array>): MethodHooks {
  const hooks = mixcd.create({ tf, params: mixcd.params.parse({ variant: 'oracle', memoryBatch: 2, ...params }) });
  hooks.beforeTraining!({
    model,
    createBaseModel: () => new Model(model.spec, 0, theta0),
    pretrainPool: pool,
    targetTrain: pool,
    sameHead: true,
    seed: 0,
    log: () => {},
  } as unknown as TrainingSetup);
  return hooks;
}

const damagedOf = (hooks: MethodHooks) => Array.from((hooks.saveState!().oracle as MethodState).damaged as Int32Array);
const setWeights = (model: Model, weights: Map<string, Float32Array>) => {
  for (const [name, values] of weights) tf.tidy(() => model.params.get(name)!.assign(tf.tensor(values, model.params.get(name)!.shape)));
};
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('mix-cd incremental oracle on a pool where every forwarded row can be counted', () => {
  // Ten rows, x = the one-hot of the row's index, labels 0, 1, 0, 1, …: row i's logits are row i of the kernel,
  // so the weights set each row right or wrong on its own. θ₀ gets all but row 7 right.
  const n = 10;
  const label = (row: number) => row % 2;
  /** Weights that get exactly `rows` wrong. */
  const wrongOn = (rows: number[]) =>
    new Map([
      ['head/kernel', Float32Array.from(range(0, n).flatMap((row) => (rows.includes(row) === (label(row) === 1) ? [1, 0] : [0, 1])))],
      ['head/bias', new Float32Array(2)],
    ]);
  const theta0 = wrongOn([7]);
  const all = range(0, n);
  let pool: DeviceData;
  let model: Model;
  let c0: Uint8Array;
  let checked: number[][];
  /** The real check, each call's rows written down. */
  const check = (rows: Int32Array) => {
    checked.push(Array.from(rows));
    return rowsCorrectness(tf, pool, model, rows);
  };

  beforeAll(async () => {
    await selectBackend('cpu');
    const x = Float32Array.from(all.flatMap((row) => all.map((j) => (j === row ? 1 : 0))));
    pool = toDevice({ name: 'ten rows', x, y: Int32Array.from(all, label), n, shape: [1, n, 1], classes: [0, 1] });
    model = new Model(linearSpec(n, 2), 0, theta0);
    c0 = poolCorrectness(tf, pool, model);
  });

  afterAll(() => {
    disposeDevice(pool);
    model.dispose();
  });

  it('checks the whole pool every N steps and the next slice of rows round the pool in between; only rows θ₀ got right join', () => {
    expect(Array.from(c0)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 1, 1]);
    const oracle = new OracleDamage(c0, { slice: 4, every: 5 });
    checked = [];
    // [rows wrong now, rows checked before the step, damaged rows after it]
    const steps: [number[], number[], number[]][] = [
      [[7], all, []], // step 1: full pass under θ₀
      [all, [0, 1, 2, 3], [0, 1, 2, 3]],
      [all, [4, 5, 6, 7], [0, 1, 2, 3, 4, 5, 6]], // row 7 was wrong under θ₀ too
      [[7], [8, 9, 0, 1], [2, 3, 4, 5, 6]], // the slice wraps round
      [[7], [2, 3, 4, 5], [6]],
      [all, all, [0, 1, 2, 3, 4, 5, 6, 8, 9]], // step 6: full pass
      [[7], [6, 7, 8, 9], [0, 1, 2, 3, 4, 5]], // the cursor goes on where step 5 left it
    ];
    let forwards = 0;
    const before = tf.memory().numTensors;
    steps.forEach(([wrong, rows, damaged], i) => {
      setWeights(model, wrongOn(wrong));
      checked = [];
      oracle.refresh(i + 1, check);
      expect(checked, `rows checked before step ${i + 1}`).toEqual([rows]);
      expect(Array.from(oracle.damaged), `damaged after step ${i + 1}`).toEqual(damaged);
      forwards += rows.length;
      expect(oracle.extraForwards).toBe(forwards);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('checks each drawn row before it is rehearsed: a row found right leaves and is drawn again, only damaged rows come out', () => {
    const oracle = new OracleDamage(c0, { slice: 0, every: 100 });
    setWeights(model, wrongOn(all));
    oracle.refresh(1, check);
    expect(Array.from(oracle.damaged)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9]);
    // A full pass's rows are checked already: the step's draws cost nothing more.
    checked = [];
    expect(oracle.draw(new Rng(1), 6, check)).toHaveLength(6);
    expect(checked).toEqual([]);
    // Rows 1 and 4 are still wrong, the rest right again; nothing but draws checks them.
    setWeights(model, wrongOn([1, 4, 7]));
    oracle.refresh(2, check);
    checked = [];
    const rows = Array.from(oracle.draw(new Rng(2), 6, check));
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r === 1 || r === 4)).toBe(true);
    const seen = checked.flat();
    expect(new Set(seen).size, 'no row is checked twice in a step').toBe(seen.length);
    expect(Array.from(oracle.damaged)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9].filter((r) => r === 1 || r === 4 || !seen.includes(r)));
    expect(oracle.extraForwards).toBe(10 + seen.length);
    // Nothing damaged now: every row still in the set is checked once and leaves; the draw comes out empty.
    setWeights(model, wrongOn([7]));
    const left = oracle.damaged.length;
    oracle.refresh(3, check);
    checked = [];
    expect(Array.from(oracle.draw(new Rng(3), 6, check))).toEqual([]);
    expect(checked.flat().sort()).toEqual(Array.from(new Set(checked.flat())).sort());
    expect(oracle.damaged.length).toBe(0);
    expect(oracle.extraForwards).toBe(10 + seen.length + left);
  });

  it('rehearses a full budget, from the estimate when nothing is damaged, and learns from the rehearsed rows’ own forward pass', () => {
    setWeights(model, wrongOn(all));
    const hooks = oracleHooks({ oracleSlice: 0, oracleEvery: 100 }, pool, model, theta0);
    expect(hooks.rehearsal!(1, Int32Array.of(0))).toHaveLength(2);
    expect(damagedOf(hooks)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9]);
    // Free checks: row 2 right leaves, row 7 wrong does not join (θ₀ got it wrong).
    hooks.observeRehearsal!(Int32Array.of(2, 7), Uint8Array.of(1, 0));
    expect(damagedOf(hooks)).toEqual([0, 1, 3, 4, 5, 6, 8, 9]);
    setWeights(model, wrongOn([7]));
    const rows = hooks.rehearsal!(2, Int32Array.of(0))!;
    expect(rows).toHaveLength(2);
    expect(damagedOf(hooks)).toEqual([]);
    hooks.observeRehearsal!(Int32Array.of(2, 3), Uint8Array.of(0, 1));
    expect(damagedOf(hooks)).toEqual([2]);
    // 10 rows at the full pass, the 8 left in the set when each was drawn and found right.
    expect(hooks.extras!()).toMatchObject({ oracleExtraForwardSamples: 18, oracleDamagedInPool: 1, rehearsedSamples: 4, rehearsalEfficiency: 0.25 });
  });

  it('refuses a saved state whose damaged rows or cursor do not fit this pool, naming the field', () => {
    const hooks = oracleHooks({}, pool, model, theta0);
    const saved = hooks.saveState!();
    const withOracle = (oracle: MethodState) => ({ ...saved, oracle: { ...(saved.oracle as MethodState), ...oracle } });
    expect(() => hooks.restoreState!(withOracle({ damaged: Int32Array.of(7) }))).toThrow(
      'the saved mix-cd damaged rows are not all rows 0..9 that θ₀ got right',
    );
    expect(() => hooks.restoreState!(withOracle({ cursor: 10 }))).toThrow('the saved mix-cd cursor 10 is not a row 0..9');
    expect(() => hooks.restoreState!({ ...saved, oracle: undefined as unknown as MethodState })).toThrow('the saved mix-cd state has no object oracle');
  });
});

describe('mix-cd incremental oracle on real digits', () => {
  // 300 real digits; θ₀ a nearest-class-mean classifier (K = class means, b = −½‖mean‖², right on most of them), the current weights θ₀ plus noise.
  const n = 300;
  let pool: DeviceData;
  let theta0: Map<string, Float32Array>;
  let model: Model;

  beforeAll(async () => {
    await selectBackend('cpu');
    const all = loadMnistDigits();
    const d = 784;
    const rows = Array.from({ length: n }, (_, i) => Math.floor((i * all.n) / n));
    const digits: Dataset = { ...all, name: '300 digits', n, x: new Float32Array(n * d), y: Int32Array.from(rows, (r) => all.y[r]) };
    rows.forEach((r, i) => digits.x.set(all.x.subarray(r * d, (r + 1) * d), i * d));
    const [kernel, bias, counts] = [new Float32Array(d * 10), new Float32Array(10), new Float32Array(10)];
    digits.y.forEach((y, i) => {
      counts[y]++;
      for (let j = 0; j < d; j++) kernel[j * 10 + y] += digits.x[i * d + j];
    });
    for (let c = 0; c < 10; c++) {
      for (let j = 0; j < d; j++) kernel[j * 10 + c] /= counts[c];
      for (let j = 0; j < d; j++) bias[c] -= kernel[j * 10 + c] ** 2 / 2;
    }
    theta0 = new Map([
      ['head/kernel', kernel],
      ['head/bias', bias],
    ]);
    pool = toDevice(digits);
    model = new Model(linearSpec(d, 10), 0, theta0);
  });

  afterAll(() => {
    disposeDevice(pool);
    model.dispose();
  });

  /** Brute force: each row's correctness from one forward pass of the whole pool on the backend, no chunks, no copies. */
  const correctNow = () => tf.tidy(() => Array.from(tf.equal(tf.argMax(model.logits(pool.x, 'pretrain'), 1), pool.y).dataSync()));
  const noisy = (rng: Rng, scale: number) => setWeights(model, new Map([...theta0].map(([name, w]) => [name, w.map((v) => v + scale * (rng.next() - 0.5))])));

  it('re-checks exactly its slice at each step, after a full pass holds the brute-force damaged set, and draws only rows damaged now', () => {
    setWeights(model, theta0);
    const c0 = correctNow();
    expect(c0.filter(Boolean).length).toBeGreaterThan(0.7 * n);
    const [slice, every] = [37, 5];
    const oracle = new OracleDamage(Uint8Array.from(c0), { slice, every });
    let checked: number[] = [];
    const check = (rows: Int32Array) => {
      checked.push(...rows);
      return rowsCorrectness(tf, pool, model, rows);
    };
    const rng = new Rng(11);
    let flags = new Array<number>(n).fill(0);
    let [cursor, forwards, drawn] = [0, 0, 0];
    for (let step = 1; step <= 16; step++) {
      noisy(rng, 0.02 * step);
      const damagedNow = correctNow().map((right, row) => (c0[row] && !right ? 1 : 0));
      const full = (step - 1) % every === 0;
      const due = full ? range(0, n) : range(cursor, cursor + slice).map((row) => row % n);
      checked = [];
      oracle.refresh(step, check);
      expect(checked, `rows checked before step ${step}`).toEqual(due);
      flags = flags.map((flag, row) => (due.includes(row) ? damagedNow[row] : flag));
      const expected = flags.flatMap((flag, row) => (flag ? [row] : []));
      expect(Array.from(oracle.damaged), `damaged rows after the checks of step ${step}`).toEqual(expected);
      if (full) expect(expected).toEqual(damagedNow.flatMap((flag, row) => (flag ? [row] : [])));
      cursor = full ? cursor : (cursor + slice) % n;
      forwards += due.length;
      // The draw checks only rows in the set, each once, and hands out only rows damaged under the current weights.
      checked = [];
      const rows = Array.from(oracle.draw(rng, 16, check));
      expect(checked.every((row) => flags[row] && !due.includes(row))).toBe(true);
      expect(new Set(checked).size).toBe(checked.length);
      expect(rows.every((row) => damagedNow[row])).toBe(true);
      for (const row of checked) flags[row] = damagedNow[row];
      forwards += checked.length;
      drawn += rows.length;
      expect(oracle.extraForwards).toBe(forwards);
    }
    // The noise grows: there was damage to find and to draw.
    expect(drawn).toBeGreaterThan(0);
  });

  it('a restored oracle goes on exactly as the one it was saved from', () => {
    setWeights(model, theta0);
    const params = { oracleSlice: 37, oracleEvery: 7 };
    const first = oracleHooks(params, pool, model, theta0);
    const rng = new Rng(5);
    for (let step = 1; step <= 4; step++) {
      noisy(rng, 0.2);
      first.observeRehearsal!(first.rehearsal!(step, Int32Array.of(0))!, Uint8Array.of(0, 1));
    }
    const second = oracleHooks(params, pool, model, theta0);
    second.restoreState!(first.saveState!());
    for (let step = 5; step <= 12; step++) {
      noisy(rng, 0.2);
      const [a, b] = [first.rehearsal!(step, Int32Array.of(0))!, second.rehearsal!(step, Int32Array.of(0))!];
      expect(Array.from(b), `rows drawn at step ${step}`).toEqual(Array.from(a));
      first.observeRehearsal!(a, Uint8Array.of(0, 1));
      second.observeRehearsal!(b, Uint8Array.of(0, 1));
      expect(second.saveState!()).toEqual(first.saveState!());
    }
  });
});
