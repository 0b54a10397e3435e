import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { slotConflict } from '../../src-shared/method-combination';
import { selectBackend } from '../../src-main/engine/backend';
import { composeHooks, type Component } from '../../src-main/engine/methods/compose';
import type { AfterTrainingContext, MethodHooks, StepContext, TrainingSetup } from '../../src-main/engine/methods/method';
import { getMethod } from '../../src-main/engine/methods/registry';
import { adam } from '../../src-main/engine/optimizers/adam';

/** A registry method with hooks written for the behaviour under test. */
const component = (id: string, hooks: MethodHooks): Component => ({ definition: getMethod(id), hooks });

function stepContext(): StepContext {
  return { step: 1, x: tf.zeros([2, 3]) as tf.Tensor2D, rows: tf.tensor1d([0, 1], 'int32'), logits: tf.zeros([2, 4]) as tf.Tensor2D };
}

describe('composing the hooks of combined methods', () => {
  let weight: tf.Variable;

  beforeAll(async () => {
    await selectBackend('cpu');
    weight = tf.variable(tf.zeros([2, 2]), true, 'compose-test/kernel');
  });

  it('adds the penalties of every component', () => {
    const hooks = composeHooks(
      [component('l2-sp', { penalty: () => tf.scalar(1.5) }), component('lwf', { penalty: () => tf.scalar(2) }), component('vanilla', {})],
      tf,
    );
    const ctx = stepContext();
    const value = (h: MethodHooks) => tf.tidy(() => h.penalty!(ctx).dataSync()[0]);
    expect(value(hooks)).toBeCloseTo(3.5, 6);
    expect(value(composeHooks([component('lwf', { penalty: () => tf.scalar(2) })], tf))).toBeCloseTo(2, 6);
    tf.dispose([ctx.x, ctx.rows, ctx.logits]);
    // No penalty at all: the trainer adds nothing to the loss.
    expect(composeHooks([component('vanilla', {}), component('wiseft', {})], tf).penalty).toBeUndefined();
  });

  it('adds the gradient terms, passes a single term through unchanged, and gives null when no term touches the weight', () => {
    const ones = () => tf.ones([2, 2]);
    const twos = () => tf.fill([2, 2], 2);
    const both = composeHooks([component('l2-sp', { gradientTerm: ones }), component('ewc', { gradientTerm: twos })], tf);
    const before = tf.memory().numTensors;
    const sum = both.gradientTerm!(weight)!;
    expect(Array.from(sum.dataSync())).toEqual([3, 3, 3, 3]);
    sum.dispose();
    // The two terms are freed once summed: the optimizer owns only the sum.
    expect(tf.memory().numTensors).toBe(before);

    const single = tf.fill([2, 2], 5);
    const one = composeHooks([component('l2-sp', { gradientTerm: () => null }), component('ewc', { gradientTerm: () => single })], tf);
    expect(one.gradientTerm!(weight)).toBe(single);
    single.dispose();

    const none = composeHooks([component('l2-sp', { gradientTerm: () => null }), component('ewc', { gradientTerm: () => null })], tf);
    expect(none.gradientTerm!(weight)).toBeNull();
    expect(composeHooks([component('vanilla', {})], tf).gradientTerm).toBeUndefined();
  });

  it('merges the extras of every component', () => {
    const hooks = composeHooks(
      [component('recadam', { extras: () => ({ lambda: 0.5 }) }), component('mixcd', { extras: () => ({ efficiency: [0.1, 0.2] }) }), component('vanilla', {})],
      tf,
    );
    expect(hooks.extras!()).toEqual({ lambda: 0.5, efficiency: [0.1, 0.2] });
    expect(composeHooks([component('vanilla', {})], tf).extras!()).toEqual({});
  });

  it('keeps only the weights every trainable filter keeps, in the model\u2019s order', () => {
    const names = ['dense1/kernel', 'dense1/bias', 'dense2/kernel', 'dense2/bias', 'head/kernel', 'head/bias'];
    const hooks = composeHooks(
      [
        component('linear-probe', { trainable: (n) => n.filter((x) => !x.startsWith('dense1/')) }),
        component('lora', { trainable: (n) => n.filter((x) => x.endsWith('/kernel')) }),
      ],
      tf,
    );
    expect(hooks.trainable!(names)).toEqual(['dense2/kernel', 'head/kernel']);
    expect(composeHooks([component('vanilla', {})], tf).trainable!(names)).toEqual(names);
  });

  it('collects the extra variables of every component', () => {
    const a = { name: 'lora/a', variable: weight };
    const b = { name: 'other/b', variable: weight };
    expect(composeHooks([component('lora', { variables: () => [a] }), component('l2-sp', { variables: () => [b] })], tf).variables!()).toEqual([a, b]);
  });

  it('runs before- and after-training hooks in the given order, post-hoc methods (WiSE-FT) last', async () => {
    const calls: string[] = [];
    const hooksOf = (name: string): MethodHooks => ({
      beforeTraining: async () => {
        calls.push(`before ${name} start`);
        // An asynchronous hook finishes before the next one starts.
        await new Promise((resolve) => setTimeout(resolve, 5));
        calls.push(`before ${name} end`);
      },
      afterTraining: () => calls.push(`after ${name}`),
      dispose: () => calls.push(`dispose ${name}`),
    });
    expect(getMethod('wiseft').postHoc).toBe(true);
    const hooks = composeHooks(
      [component('wiseft', hooksOf('wiseft')), component('l2-sp', hooksOf('l2-sp')), component('rehearsal', hooksOf('rehearsal'))],
      tf,
    );
    await hooks.beforeTraining!({} as TrainingSetup);
    hooks.afterTraining!({} as AfterTrainingContext);
    hooks.dispose!();
    expect(calls).toEqual([
      'before l2-sp start',
      'before l2-sp end',
      'before rehearsal start',
      'before rehearsal end',
      'before wiseft start',
      'before wiseft end',
      'after l2-sp',
      'after rehearsal',
      'after wiseft',
      'dispose l2-sp',
      'dispose rehearsal',
      'dispose wiseft',
    ]);
  });

  it('puts any method declared post-hoc after the others, keeping the order among equals', () => {
    const calls: string[] = [];
    const after = (name: string): MethodHooks => ({ afterTraining: () => calls.push(name) });
    const lateVanilla: Component = { definition: { ...getMethod('vanilla'), postHoc: true }, hooks: after('late vanilla') };
    composeHooks([lateVanilla, component('wiseft', after('wiseft')), component('l2-sp', after('l2-sp')), component('ewc', after('ewc'))], tf).afterTraining!(
      {} as AfterTrainingContext,
    );
    expect(calls).toEqual(['l2-sp', 'ewc', 'late vanilla', 'wiseft']);
  });

  it('takes the sampler and the optimizer from the one component that provides each', () => {
    const rehearsal = (step: number) => Int32Array.of(step);
    const observeRehearsal = () => {};
    const optimizer: MethodHooks['optimizer'] = () => adam(0.1);
    const hooks = composeHooks([component('l2-sp', {}), component('mixcd', { rehearsal, observeRehearsal }), component('recadam', { optimizer })], tf);
    expect(hooks.rehearsal).toBe(rehearsal);
    expect(hooks.observeRehearsal).toBe(observeRehearsal);
    expect(hooks.optimizer).toBe(optimizer);
    const plain = composeHooks([component('l2-sp', {})], tf);
    expect([plain.rehearsal, plain.observeRehearsal, plain.optimizer]).toEqual([undefined, undefined, undefined]);
  });
});

describe('exclusive slots of combined methods', () => {
  it('names the two methods that both claim a sampler, an optimizer or the trainable filter', () => {
    expect(slotConflict([getMethod('rehearsal'), getMethod('mixcd')])).toBe("'rehearsal' and 'mixcd' both provide the sampler; combine at most one of them");
    expect(slotConflict([getMethod('lora'), getMethod('l2-sp'), getMethod('linear-probe')])).toBe(
      "'lora' and 'linear-probe' both provide the trainable; combine at most one of them",
    );
  });

  it('lets methods with different slots or none combine', () => {
    expect(slotConflict([getMethod('lora'), getMethod('rehearsal'), getMethod('recadam'), getMethod('wiseft'), getMethod('l2-sp')])).toBeNull();
    expect(slotConflict([getMethod('vanilla')])).toBeNull();
  });
});
