/**
 * The fused LSTM step (blockSparseLSTMStep) against the float64 reference,
 * forward and backward, over block sizes x layouts (one block, empty block
 * row and column, ~1/2, dense, and a per-unit layout tiled over the four
 * gates) x batch sizes; central differences through two chained steps; no
 * tensor left behind; clear argument errors.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseLSTMStep} from '../../ops/block_sparse_lstm_step';
import {BlockLayout} from '../../src/layout/block_layout';
import {balancedRandomLayout} from '../../src/layout/generators';
import {tileColumns} from '../../src/layout/tile_columns';
import {lstmStep64, lstmStepGradients64} from '../util/lstm_reference';
import {randomStep, stepTensors} from '../util/lstm_steps';
import {conformanceLayouts, NamedLayout} from '../util/layouts';
import {createRng, freshSeed, randomNormal, Rng} from '../util/random';
import {blocksFromDense, relativeError} from '../util/reference';

import {TOLERANCE} from './cases';

/** Units = blockRows * blockSize; the layout is [units, 4 * units]. */
const STEP_GRIDS = [
  {blockSize: 8, blockRows: 3},
  {blockSize: 16, blockRows: 3},
  {blockSize: 32, blockRows: 2},
  {blockSize: 64, blockRows: 2},
];
/** One row, an odd count, and more than one 48-row task of the native kernel. */
const BATCHES = [1, 7, 53];

function stepLayouts(blockRows: number, blockSize: number, rng: Rng): NamedLayout[] {
  const perUnit = conformanceLayouts(blockRows, blockRows, blockSize, rng)[1];
  return [
    ...conformanceLayouts(blockRows, 4 * blockRows, blockSize, rng),
    {name: `per-unit ${perUnit.name}, tiled over the gates`, layout: tileColumns(perUnit.layout, 4)},
  ];
}

describe(`fused LSTM step on ${process.env.TFJS_BACKEND ?? 'cpu'}`, () => {
  for (const grid of STEP_GRIDS) {
    const seed = freshSeed();
    const rng = createRng(seed);
    for (const {name, layout} of stepLayouts(grid.blockRows, grid.blockSize, rng)) {
      const label = `b=${grid.blockSize} units=${layout.inputSize} ${name} (${
          layout.nnzBlocks} blocks, seed ${seed})`;

      it(`h and c match the float64 reference: ${label}`, async () => {
        for (const batch of BATCHES) {
          const s = randomStep(layout, batch, rng);
          const inputs = stepTensors(s);
          const [h, c] = blockSparseLSTMStep(inputs[0], inputs[1], inputs[2], inputs[3], layout);
          expect(h.shape).to.deep.equal([batch, s.units]);
          expect(c.shape).to.deep.equal([batch, s.units]);
          const expected = lstmStep64(s);
          expect(relativeError(await h.data(), expected.h), `h, batch ${batch}`).to.be.below(TOLERANCE);
          expect(relativeError(await c.data(), expected.c), `c, batch ${batch}`).to.be.below(TOLERANCE);
          tf.dispose([...inputs, h, c]);
        }
      });

      it(`gradients match the float64 reference: ${label}`, async () => {
        for (const batch of BATCHES) {
          const s = randomStep(layout, batch, rng);
          const rh = randomNormal(batch * s.units, rng), rc = randomNormal(batch * s.units, rng);
          const rhT = tf.tensor2d(rh, [batch, s.units]), rcT = tf.tensor2d(rc, [batch, s.units]);
          const inputs = stepTensors(s);
          const grads = tf.grads((z, h, c, w) => {
            const [hNew, cNew] = blockSparseLSTMStep(z, h, c, w, layout);
            return tf.add(tf.sum(tf.mul(hNew, rhT)), tf.sum(tf.mul(cNew, rcT)));
          })(inputs);
          const [dz, dh, dc, dw] = await Promise.all(grads.map(g => g.data()));
          const expected = lstmStepGradients64(s, rh, rc);
          const at = `batch ${batch}`;
          expect(relativeError(dz, expected.dz), `dz, ${at}`).to.be.below(TOLERANCE);
          expect(relativeError(dh, expected.dhPrev), `dhPrev, ${at}`).to.be.below(TOLERANCE);
          expect(relativeError(dc, expected.dcPrev), `dcPrev, ${at}`).to.be.below(TOLERANCE);
          expect(relativeError(dw, blocksFromDense(expected.du, layout)), `dw, ${at}`)
              .to.be.below(TOLERANCE);
          tf.dispose([...inputs, ...grads, rhT, rcT]);
        }
      });
    }
  }

  it('two chained steps: gradients agree with central differences', async () => {
    const seed = freshSeed();
    const rng = createRng(seed);
    const layout = BlockLayout.fromMask(
        [[1, 0, 0, 1, 0, 0, 1, 0], [0, 0, 1, 1, 0, 1, 0, 0]], 8);  // empty block columns
    const s = randomStep(layout, 3, rng);
    const z2 = randomNormal(s.z.length, rng);
    const r = tf.tensor2d(randomNormal(3 * 16, rng), [3, 16]);
    const loss = (z: tf.Tensor, h: tf.Tensor, c: tf.Tensor, w: tf.Tensor) => {
      const [h1, c1] = blockSparseLSTMStep(z, h, c, w, layout);
      const [h2, c2] = blockSparseLSTMStep(tf.tensor2d(z2, [3, 64]), h1, c1, w, layout);
      return tf.sum(tf.mul(tf.add(h2, tf.tanh(c2)), r));
    };
    const values = [s.z, s.hPrev, s.cPrev, s.w].map(v => Float64Array.from(v));
    const shapes = [[3, 64], [3, 16], [3, 16], layout.weightShape];
    const lossAt = async (vs: Float64Array[]) => {
      const l = tf.tidy(() => loss(...vs.map((v, i) => tf.tensor(Float32Array.from(v), shapes[i])) as
                                   [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]));
      const value = (await l.data())[0];
      l.dispose();
      return value;
    };
    const inputs = values.map((v, i) => tf.tensor(Float32Array.from(v), shapes[i]));
    const grads = tf.grads(loss)(inputs);
    const analytic = await Promise.all(grads.map(g => g.data()));
    const eps = 1e-2;
    for (let input = 0; input < 4; input++) {
      for (let trial = 0; trial < 6; trial++) {
        const i = rng.int(values[input].length);
        const plus = values.map(v => v.slice()), minus = values.map(v => v.slice());
        plus[input][i] += eps;
        minus[input][i] -= eps;
        const numeric = ((await lossAt(plus)) - (await lossAt(minus))) / (2 * eps);
        expect(Math.abs(numeric - analytic[input][i]),
               `input ${input} index ${i}: numeric ${numeric} analytic ${analytic[input][i]} (seed ${seed})`)
            .to.be.below(2e-3 + 1e-2 * Math.abs(analytic[input][i]));
      }
    }
    tf.dispose([...inputs, ...grads, r]);
  });

  it('training steps through it leave tf.memory().numTensors unchanged', async () => {
    const rng = createRng(freshSeed());
    const layout = balancedRandomLayout({inputSize: 32, outputSize: 128, blockSize: 16, density: 0.5, seed: 2});
    const s = randomStep(layout, 5, rng);
    const w = tf.variable(tf.tensor3d(s.w, layout.weightShape));
    const z = tf.tensor2d(s.z as Float32Array, [5, 128]);
    const optimizer = tf.train.sgd(0.1);
    const step = () => optimizer.minimize(() => {
      let h = tf.zeros([5, 32]), c = tf.zeros([5, 32]);
      for (let t = 0; t < 3; t++) [h, c] = blockSparseLSTMStep(z, h, c, w, layout);
      return tf.mean(tf.square(h));
    }, true)!;
    const first = step();
    await first.data();
    first.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step().dispose();
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([w, z]);
    optimizer.dispose();
  });

  describe('argument errors', () => {
    const layout = BlockLayout.fromMask([[1, 0, 0, 1, 0, 1, 1, 0], [0, 1, 1, 0, 1, 0, 0, 1]], 8);
    const expectCleanError = (action: () => unknown, message: RegExp) => {
      const before = tf.memory().numTensors;
      expect(action).to.throw(message);
      expect(tf.memory().numTensors, 'tensors leaked by the failed call').to.equal(before);
    };
    let z: tf.Tensor, h: tf.Tensor, c: tf.Tensor, w: tf.Tensor;
    beforeEach(() => {
      [z, h, c, w] = [tf.zeros([3, 64]), tf.zeros([3, 16]), tf.zeros([3, 16]), tf.zeros(layout.weightShape)];
    });
    afterEach(() => tf.dispose([z, h, c, w]));

    it('a layout that is not [units, 4 * units]', () => {
      const square = BlockLayout.fromMask([[1, 0], [0, 1]], 8);
      const squareW = tf.zeros(square.weightShape);
      expectCleanError(() => blockSparseLSTMStep(z, h, c, squareW, square),
          /blockSparseLSTMStep: argument 'layout' must be a layout of shape \[units, 4 \* units\].*but got a layout of shape \[16, 16\]/);
      squareW.dispose();
    });

    it('state and projected input of the wrong shapes', () => {
      const [narrowH, shortC, narrowZ] = [tf.zeros([3, 8]), tf.zeros([2, 16]), tf.zeros([3, 48])];
      expectCleanError(() => blockSparseLSTMStep(z, narrowH, c, w, layout),
          /argument 'hPrev' must be of shape \[batch, 16\].*but got shape \[3,8\]/);
      expectCleanError(() => blockSparseLSTMStep(z, h, shortC, w, layout),
          /argument 'cPrev' must be of shape \[3,16\] like hPrev, but got shape \[2,16\]/);
      expectCleanError(() => blockSparseLSTMStep(narrowZ, h, c, w, layout),
          /argument 'z' must be of shape \[3, 64\] \(\[batch, 4 \* units\]\), but got shape \[3,48\]/);
      tf.dispose([narrowH, shortC, narrowZ]);
    });

    it('weights that are not the layout\'s blocks, and non-float state', () => {
      const [fewBlocks, intH] = [tf.zeros([7, 8, 8]), tf.zeros([3, 16], 'int32')];
      expectCleanError(() => blockSparseLSTMStep(z, h, c, fewBlocks, layout),
          /argument 'w' must be of shape \[nnzBlocks, b, b\] = \[8,8,8\]/);
      expectCleanError(() => blockSparseLSTMStep(z, intH, c, w, layout),
          /argument 'hPrev' must be a float32 tensor, but got a int32 tensor/);
      tf.dispose([fewBlocks, intH]);
    });
  });
});
