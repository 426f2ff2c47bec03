/**
 * Forward, transposed and sampled products against the float64 dense
 * reference, over block sizes x layouts x leading shapes.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseMatMul} from '../../ops/block_sparse_mat_mul';
import {blockSparseSampledMatMul} from '../../ops/block_sparse_sampled_mat_mul';
import {blocksFromDense, denseFromBlocks, matMul64, relativeError} from '../util/reference';
import {conformanceLayouts} from '../util/layouts';
import {createRng, freshSeed, randomNormal} from '../util/random';

import {BLOCK_GRIDS, LEADING_SHAPES, TOLERANCE} from './cases';

describe(`block-sparse products on ${process.env.TFJS_BACKEND ?? 'cpu'}`, () => {
  for (const grid of BLOCK_GRIDS) {
    const seed = freshSeed();
    const rng = createRng(seed);
    const layouts = conformanceLayouts(grid.blockRows, grid.blockCols, grid.blockSize, rng);
    for (const {name, layout} of layouts) {
      const label = `b=${grid.blockSize} K=${layout.inputSize} N=${
          layout.outputSize} ${name} (${layout.nnzBlocks} blocks, seed ${seed})`;
      const {inputSize: K, outputSize: N} = layout;

      it(`x . W matches the dense reference: ${label}`, async () => {
        const w = randomNormal(layout.nnzBlocks * grid.blockSize ** 2, rng);
        const dense = denseFromBlocks(w, layout);
        for (const lead of LEADING_SHAPES) {
          const rows = lead.reduce((p, d) => p * d, 1);
          const x = randomNormal(rows * K, rng);
          const y = blockSparseMatMul(tf.tensor(x, [...lead, K]), tf.tensor3d(w, layout.weightShape), layout);
          expect(y.shape).to.deep.equal([...lead, N]);
          const err = relativeError(await y.data(), matMul64(x, [rows, K], dense, [K, N]));
          expect(err, `leading shape [${lead}]`).to.be.below(TOLERANCE);
          tf.dispose(y);
        }
      });

      it(`x . W^T matches the dense reference: ${label}`, async () => {
        const w = randomNormal(layout.nnzBlocks * grid.blockSize ** 2, rng);
        const dense = denseFromBlocks(w, layout);
        for (const lead of LEADING_SHAPES) {
          const rows = lead.reduce((p, d) => p * d, 1);
          const x = randomNormal(rows * N, rng);
          const y = blockSparseMatMul(
              tf.tensor(x, [...lead, N]), tf.tensor3d(w, layout.weightShape), layout,
              {transposeW: true});
          expect(y.shape).to.deep.equal([...lead, K]);
          const err = relativeError(
              await y.data(), matMul64(x, [rows, N], dense, [K, N], false, true));
          expect(err, `leading shape [${lead}]`).to.be.below(TOLERANCE);
          tf.dispose(y);
        }
      });

      it(`sampled a^T . b matches the dense reference: ${label}`, async () => {
        for (const lead of LEADING_SHAPES) {
          const rows = lead.reduce((p, d) => p * d, 1);
          const a = randomNormal(rows * K, rng), b = randomNormal(rows * N, rng);
          const out = blockSparseSampledMatMul(
              tf.tensor(a, [...lead, K]), tf.tensor(b, [...lead, N]), layout);
          expect(out.shape).to.deep.equal(layout.weightShape);
          const full = matMul64(a, [rows, K], b, [rows, N], true, false);
          const err = relativeError(await out.data(), blocksFromDense(full, layout));
          expect(err, `leading shape [${lead}]`).to.be.below(TOLERANCE);
          tf.dispose(out);
        }
      });
    }
  }

  it('chains with other ops with no read-back in between', async () => {
    const rng = createRng(freshSeed());
    const layout = conformanceLayouts(4, 4, 16, rng)[2].layout;
    const w = randomNormal(layout.nnzBlocks * 256, rng);
    const x = randomNormal(5 * 64, rng);
    const y = tf.tidy(() => {
      const h = tf.relu(blockSparseMatMul(tf.tensor2d(x, [5, 64]), tf.tensor3d(w, layout.weightShape), layout));
      return blockSparseMatMul(h, tf.tensor3d(w, layout.weightShape), layout, {transposeW: true});
    });
    const dense = denseFromBlocks(w, layout);
    const h = matMul64(x, [5, 64], dense, [64, 64]).map(v => Math.max(v, 0));
    const expected = matMul64(h, [5, 64], dense, [64, 64], false, true);
    expect(relativeError(await y.data(), expected)).to.be.below(TOLERANCE);
    y.dispose();
  });
});
