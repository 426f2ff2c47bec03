/**
 * Gradients of the ops equal those of the masked dense formulation (float64
 * on the host), and a finite-difference check through a nonlinearity.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseMatMul} from '../../ops/block_sparse_mat_mul';
import {blockSparseSampledMatMul} from '../../ops/block_sparse_sampled_mat_mul';
import {BlockLayout} from '../../src/layout/block_layout';
import {conformanceLayouts} from '../util/layouts';
import {createRng, freshSeed, randomNormal, Rng} from '../util/random';
import {blocksFromDense, denseFromBlocks, matMul64, relativeError} from '../util/reference';

import {BLOCK_GRIDS, TOLERANCE} from './cases';

const LEAD = [2, 3];
const ROWS = 6;

async function gradsOf(
    f: (...args: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): Promise<Float32Array[]> {
  const grads = tf.grads(f)(inputs);
  const values = await Promise.all(grads.map(g => g.data() as Promise<Float32Array>));
  tf.dispose(grads);
  return values;
}

describe(`gradients on ${process.env.TFJS_BACKEND ?? 'cpu'}`, () => {
  for (const grid of BLOCK_GRIDS) {
    const seed = freshSeed();
    const rng = createRng(seed);
    for (const {name, layout} of conformanceLayouts(grid.blockRows, grid.blockCols, grid.blockSize, rng)) {
      const {inputSize: K, outputSize: N} = layout;
      const label = `b=${grid.blockSize} ${name} (seed ${seed})`;
      const blockCount = layout.nnzBlocks * grid.blockSize ** 2;

      it(`d(x . W) matches the masked dense gradient: ${label}`, async () => {
        const x = randomNormal(ROWS * K, rng), w = randomNormal(blockCount, rng);
        const r = randomNormal(ROWS * N, rng);
        const rT = tf.tensor(r, [...LEAD, N]);
        const [dx, dw] = await gradsOf(
            (xt, wt) => tf.sum(tf.mul(blockSparseMatMul(xt, wt, layout), rT)),
            [tf.tensor(x, [...LEAD, K]), tf.tensor3d(w, layout.weightShape)]);
        const dense = denseFromBlocks(w, layout);
        expect(relativeError(dx, matMul64(r, [ROWS, N], dense, [K, N], false, true))).to.be.below(TOLERANCE);
        const dDense = matMul64(x, [ROWS, K], r, [ROWS, N], true, false);
        expect(relativeError(dw, blocksFromDense(dDense, layout))).to.be.below(TOLERANCE);
        rT.dispose();
      });

      it(`d(x . W^T) matches the masked dense gradient: ${label}`, async () => {
        const x = randomNormal(ROWS * N, rng), w = randomNormal(blockCount, rng);
        const r = randomNormal(ROWS * K, rng);
        const rT = tf.tensor(r, [...LEAD, K]);
        const [dx, dw] = await gradsOf(
            (xt, wt) => tf.sum(tf.mul(blockSparseMatMul(xt, wt, layout, {transposeW: true}), rT)),
            [tf.tensor(x, [...LEAD, N]), tf.tensor3d(w, layout.weightShape)]);
        const dense = denseFromBlocks(w, layout);
        expect(relativeError(dx, matMul64(r, [ROWS, K], dense, [K, N]))).to.be.below(TOLERANCE);
        const dDense = matMul64(r, [ROWS, K], x, [ROWS, N], true, false);
        expect(relativeError(dw, blocksFromDense(dDense, layout))).to.be.below(TOLERANCE);
        rT.dispose();
      });

      it(`d(sampled a^T . b) matches the masked dense gradient: ${label}`, async () => {
        const a = randomNormal(ROWS * K, rng), b = randomNormal(ROWS * N, rng);
        const r = randomNormal(blockCount, rng);
        const rT = tf.tensor3d(r, layout.weightShape);
        const [da, db] = await gradsOf(
            (at, bt) => tf.sum(tf.mul(blockSparseSampledMatMul(at, bt, layout), rT)),
            [tf.tensor(a, [...LEAD, K]), tf.tensor(b, [...LEAD, N])]);
        const rDense = denseFromBlocks(r, layout);
        expect(relativeError(da, matMul64(b, [ROWS, N], rDense, [K, N], false, true))).to.be.below(TOLERANCE);
        expect(relativeError(db, matMul64(a, [ROWS, K], rDense, [K, N]))).to.be.below(TOLERANCE);
        rT.dispose();
      });
    }
  }

  describe('finite differences', () => {
    const seed = freshSeed();
    const rng = createRng(seed);
    const layout = BlockLayout.fromMask([[1, 0, 1], [0, 0, 1]], 8);  // empty column 1
    for (const transposeW of [false, true]) {
      it(`tanh(x . W${transposeW ? '^T' : ''}) gradient agrees with central differences (seed ${seed})`, async () => {
        await checkFiniteDifferences(layout, transposeW, rng);
      });
    }
  });
});

async function checkFiniteDifferences(layout: BlockLayout, transposeW: boolean, rng: Rng) {
  const rows = 3;
  const inner = transposeW ? layout.outputSize : layout.inputSize;
  const outer = transposeW ? layout.inputSize : layout.outputSize;
  const x = randomNormal(rows * inner, rng), w = randomNormal(layout.nnzBlocks * 64, rng);
  const r = tf.tensor2d(randomNormal(rows * outer, rng), [rows, outer]);
  const loss = (xt: tf.Tensor, wt: tf.Tensor) =>
      tf.sum(tf.mul(tf.tanh(blockSparseMatMul(xt, wt, layout, {transposeW})), r));
  const lossAt = async (xv: Float32Array, wv: Float32Array) => {
    const l = tf.tidy(() => loss(tf.tensor2d(xv, [rows, inner]), tf.tensor3d(wv, layout.weightShape)));
    const value = (await l.data())[0];
    l.dispose();
    return value;
  };
  const [dx, dw] = await gradsOf(loss, [tf.tensor2d(x, [rows, inner]), tf.tensor3d(w, layout.weightShape)]);
  const eps = 1e-2;
  for (const [values, analytic] of [[x, dx], [w, dw]] as const) {
    for (let trial = 0; trial < 8; trial++) {
      const i = rng.int(values.length);
      const plus = values.slice(), minus = values.slice();
      plus[i] += eps;
      minus[i] -= eps;
      const numeric = values === x ?
          ((await lossAt(plus, w)) - (await lossAt(minus, w))) / (2 * eps) :
          ((await lossAt(x, plus)) - (await lossAt(x, minus))) / (2 * eps);
      expect(Math.abs(numeric - analytic[i]), `index ${i}: numeric ${numeric} analytic ${analytic[i]}`)
          .to.be.below(2e-3 + 1e-2 * Math.abs(analytic[i]));
    }
  }
  r.dispose();
}
