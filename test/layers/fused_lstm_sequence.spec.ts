/**
 * The fused recurrence (one custom-gradient call over all timesteps) against
 * the same recurrence written step by step with the blockSparseLSTMStep op,
 * whose own gradient the conformance suite checks against float64: outputs,
 * final state and the gradients of projected inputs, initial state and
 * weights, with and without masking, recurrent dropout and goBackwards.
 */
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

import {blockSparseLSTMStep} from '../../ops/block_sparse_lstm_step';
import {balancedRandomLayout} from '../../src/layout/generators';
import {fusedLSTMSequence} from '../../src/layers/fused_lstm_sequence';
import {createRng, freshSeed, randomNormal} from '../util/random';
import {relativeError} from '../util/reference';

const BATCH = 3, TIME = 4, UNITS = 16;

/** The recurrence as BlockSparseLSTM.recur runs it, through the tape. */
function stepByStep(
    projected: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, w: tf.Tensor, keep: tf.Tensor|null,
    stateMask: tf.Tensor|null, goBackwards: boolean, layout = LAYOUT): tf.Tensor[] {
  const zs = tf.unstack(projected, 1), keeps = keep == null ? null : tf.unstack(keep, 1);
  const order = zs.map((_, t) => t);
  if (goBackwards) order.reverse();
  let h = h0, c = c0;
  const outputs: tf.Tensor[] = [];
  for (const t of order) {
    const hIn = stateMask == null ? h : tf.mul(h, stateMask);
    const [hNew, cNew] = blockSparseLSTMStep(zs[t], hIn, c, w, layout);
    if (keeps == null) {
      [h, c] = [hNew, cNew];
    } else {
      const k = keeps[t], drop = tf.sub(1, k);
      [h, c] = [tf.add(tf.mul(hNew, k), tf.mul(h, drop)), tf.add(tf.mul(cNew, k), tf.mul(c, drop))];
    }
    outputs.push(h);
  }
  return [...outputs, c];
}

const LAYOUT = balancedRandomLayout({inputSize: UNITS, outputSize: 4 * UNITS, blockSize: 8, density: 0.5, seed: 5});

describe('layers: the fused LSTM recurrence equals the step-by-step one', () => {
  const cases = [false, true].flatMap(masked => [false, true].flatMap(dropout => [false, true].flatMap(
      goBackwards => [true, false].map(returnSequences => ({masked, dropout, goBackwards, returnSequences})))));
  for (const {masked, dropout, goBackwards, returnSequences} of cases) {
    const seed = freshSeed();
    const name = `${masked ? 'masked' : 'unmasked'}, ${dropout ? 'recurrent dropout' : 'no dropout'}${
        goBackwards ? ', goBackwards' : ''}${returnSequences ? ', returnSequences' : ', last output'} (seed ${seed})`;
    it(name, async () => {
      const rng = createRng(seed);
      const normal = (shape: number[], scale = 1) =>
          tf.tensor(randomNormal(shape.reduce((a, b) => a * b), rng).map(v => v * scale), shape);
      const projected = normal([BATCH, TIME, 4 * UNITS]);
      const h0 = normal([BATCH, UNITS]), c0 = normal([BATCH, UNITS]);
      const w = normal(LAYOUT.weightShape, 0.3);
      // Row 1 masked after its second step, row 2 at its first.
      const keep = masked ? tf.tensor([1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1], [BATCH, TIME, 1]) : null;
      const stateMask = dropout ? tf.mul(tf.randomUniform([BATCH, UNITS], 0, 1, 'float32', seed).greater(0.3), 1 / 0.7) : null;
      // The outputs compared: every h and the final c, or the last h and c.
      const outputCount = returnSequences ? TIME + 1 : 2;
      const probes = [...Array(outputCount)].map(() => normal([BATCH, UNITS]));
      const lossOf = (outputs: tf.Tensor[]) =>
          tf.addN(outputs.map((o, i) => tf.sum(tf.mul(o, probes[i]))));
      const fused = (p: tf.Tensor, h: tf.Tensor, c: tf.Tensor, wt: tf.Tensor) => {
        const r = fusedLSTMSequence({projected: p, h0: h, c0: c, w: wt, keep, stateMask},
                                    {layout: LAYOUT, goBackwards, returnSequences});
        return [...r.outputs, r.c];
      };
      const reference = (p: tf.Tensor, h: tf.Tensor, c: tf.Tensor, wt: tf.Tensor) => {
        const all = stepByStep(p, h, c, wt, keep, stateMask, goBackwards);
        return returnSequences ? all : all.slice(TIME - 1);
      };
      const inputs = [projected, h0, c0, w];
      const [a, b] = [fused, reference].map(f => tf.tidy(() => f(projected, h0, c0, w)));
      expect(a.length).to.equal(outputCount);
      for (let i = 0; i < outputCount; i++) {
        expect(relativeError(await a[i].data(), await b[i].data()), `output ${i}`).to.be.below(1e-6);
      }
      const gradsA = tf.grads((p, h, c, wt) => lossOf(fused(p, h, c, wt)))(inputs);
      const gradsB = tf.grads((p, h, c, wt) => lossOf(reference(p, h, c, wt)))(inputs);
      for (const [i, label] of ['projected', 'h0', 'c0', 'w'].entries()) {
        expect(relativeError(await gradsA[i].data(), await gradsB[i].data()), `d${label}`).to.be.below(1e-5);
      }
      tf.dispose([...inputs, ...a, ...b, ...gradsA, ...gradsB, ...probes, keep, stateMask].filter(
          (t): t is tf.Tensor => t != null));
    });
  }

  it('a single timestep, and no tensor left behind by training steps', async () => {
    const w = tf.variable(tf.randomNormal(LAYOUT.weightShape, 0, 0.3, 'float32', 1));
    const projected = tf.randomNormal([BATCH, 1, 4 * UNITS], 0, 1, 'float32', 2);
    const zeros = tf.zeros([BATCH, UNITS]);
    const optimizer = tf.train.sgd(0.1);
    const step = () => optimizer.minimize(() => {
      const r = fusedLSTMSequence({projected, h0: zeros, c0: zeros, w, keep: null, stateMask: null},
                                  {layout: LAYOUT, goBackwards: false, returnSequences: false});
      return tf.mean(tf.square(r.h));
    }, true)!;
    step().dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step().dispose();
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([w, projected, zeros]);
    optimizer.dispose();
  });
});
