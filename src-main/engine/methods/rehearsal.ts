import { z } from 'zod';
import { Rng } from '../rng';
import { stateField } from '../resume/state-fields';
import { defineMethod, type MethodState } from './method';
import { memoryBatchParam, poolCorrectness, REHEARSAL_SEED_OFFSET, RehearsalEfficiency } from './rehearsal-stats';

/**
 * Uniform replay from a fixed memory of pool rows, as a shuffled data loader over the buffer
 * (Avalanche's replay): rows come in a seeded permutation, reshuffled when it is used up, so every
 * sample of the memory is rehearsed equally often.
 */
export class UniformReplay {
  private order: Int32Array;
  private next = 0;

  /** memory: the pool rows that may be rehearsed. */
  constructor(
    private readonly memory: Int32Array,
    private readonly rng: Rng,
  ) {
    this.order = rng.permutation(memory.length);
  }

  /** Where the replay stands: the current permutation, the position in it and the generator's state. */
  saveState(): MethodState {
    return { order: this.order.slice(), next: this.next, rng: this.rng.getState() };
  }

  /** Continues from a saved position; the memory itself is rebuilt from the seed. */
  restoreState(state: MethodState): void {
    const order = stateField(state, 'replay', 'order', 'Int32Array', this.memory.length);
    const next = stateField(state, 'replay', 'next', 'number');
    this.rng.setState(stateField(state, 'replay', 'rng', 'number'));
    this.order = order.slice();
    this.next = next;
  }

  /** The next m rows. */
  draw(m: number): Int32Array {
    const rows = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      if (this.next === this.order.length) {
        this.order = this.rng.permutation(this.memory.length);
        this.next = 0;
      }
      rows[i] = this.memory[this.order[this.next++]];
    }
    return rows;
  }
}

/** A seeded subset of `size` rows out of 0..n−1 (all of them when size is 0 or ≥ n). */
export function memorySubset(n: number, size: number, rng: Rng): Int32Array {
  const perm = rng.permutation(n);
  return size > 0 && size < n ? perm.slice(0, size) : perm;
}

/** Random rehearsal (docs/methods.md §3.6): each step mixes B_mem uniformly drawn pretrain samples into the target batch. */
export const rehearsal = defineMethod({
  id: 'rehearsal',
  label: 'Random rehearsal',
  // Paul Tol's muted cyan.
  style: { color: '#88CCEE', marker: 'square', dash: 'longdash' },
  summary:
    'Each step adds B_mem pretrain samples, drawn uniformly from the pretrain pool, to the target batch and trains on the mixed batch. ' +
    'Logs the rehearsal efficiency (share of rehearsed samples that were collateral damage when rehearsed), the measure mix-cd improves on.',
  reference:
    'Experience replay as in Avalanche ReplayPlugin (training/plugins/replay.py): loss = (B·L_tgt + B_mem·L_mem)/(B + B_mem) over the mixed batch; ' +
    'the random-mixing baseline of Bai et al. 2024, arXiv 2402.08096 (mix-cd), §3. docs/methods.md §3.6.',
  params: z.strictObject({
    memoryBatch: memoryBatchParam,
    poolSize: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .default(0)
      .meta({
        label: 'Replay memory size',
        help:
          'How many pretrain samples may be rehearsed: a seeded subset of the pretrain pool, like the bounded buffer of Avalanche replay (mem_size). ' +
          '0 = the whole pool.',
      }),
  }),
  slots: ['sampler'],
  create: ({ tf, params }) => {
    const memoryBatch = params.memoryBatch;
    let replay: UniformReplay | null = null;
    let efficiency: RehearsalEfficiency | null = null;
    return {
      beforeTraining: (setup) => {
        const rng = new Rng(setup.seed + REHEARSAL_SEED_OFFSET);
        const memory = memorySubset(setup.pretrainPool.n, params.poolSize, rng);
        replay = new UniformReplay(memory, rng);
        // c₀ (of θ₀ itself: a sequence's later stages start from fine-tuned weights) is only needed to measure
        // the efficiency; the sampler ignores it. A language model's sequences are not right or wrong: no efficiency.
        if (setup.tasks.pretrain.correct) {
          const base = setup.createBaseModel();
          efficiency = new RehearsalEfficiency(poolCorrectness(tf, setup.pretrainPool, base));
          base.dispose();
        }
        setup.log(
          `Random rehearsal: ${memoryBatch} of ${memory.length} pretrain samples per step (ρ = ${(memoryBatch / (setup.batchSize + memoryBatch)).toFixed(3)})`,
        );
      },
      rehearsal: () => replay!.draw(memoryBatch),
      observeRehearsal: (rows, correct) => efficiency?.observe(rows, correct),
      extras: () => efficiency?.takeExtras() ?? {},
      // The memory and c₀ are rebuilt by beforeTraining from the seed and θ₀; the replay's position and the counters are not.
      saveState: () => ({ replay: replay!.saveState(), ...(efficiency ? { efficiency: efficiency.saveState() } : {}) }),
      restoreState: (state) => {
        replay!.restoreState(stateField(state, 'rehearsal', 'replay', 'object'));
        efficiency?.restoreState(stateField(state, 'rehearsal', 'efficiency', 'object'));
      },
    };
  },
});
