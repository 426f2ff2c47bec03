/**
 * Bad input gets a message naming the argument, what was expected and what
 * was got, and leaks no tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseMatMul} from '../../ops/block_sparse_mat_mul';
import {blockSparseSampledMatMul} from '../../ops/block_sparse_sampled_mat_mul';
import {blocksToDense} from '../../ops/blocks_to_dense';
import {denseToBlocks} from '../../ops/dense_to_blocks';
import {BlockLayout} from '../../src/layout/block_layout';
import {randomLayout} from '../../src/layout/generators';

function expectCleanError(action: () => unknown, message: RegExp) {
  const before = tf.memory().numTensors;
  expect(action).to.throw(message);
  expect(tf.memory().numTensors, 'tensors leaked by the failed call').to.equal(before);
}

describe(`argument errors on ${process.env.TFJS_BACKEND ?? 'cpu'}`, () => {
  const layout = BlockLayout.fromMask([[1, 0], [1, 1], [0, 1]], 16);  // K=48, N=32
  let w: tf.Tensor3D;
  let x: tf.Tensor2D;
  beforeEach(() => {
    w = tf.zeros(layout.weightShape) as tf.Tensor3D;
    x = tf.zeros([5, 48]) as tf.Tensor2D;
  });
  afterEach(() => tf.dispose([w, x]));

  it('x with the wrong inner dimension', () => {
    const bad = tf.zeros([5, 40]);
    expectCleanError(() => blockSparseMatMul(bad, w, layout),
        /blockSparseMatMul: argument 'x' must be of shape \[\.\.\., 48\] \(K = layout.inputSize\), but got shape \[5,40\]/);
    expectCleanError(() => blockSparseMatMul(x, w, layout, {transposeW: true}),
        /argument 'x' must be of shape \[\.\.\., 32\] \(N = layout.outputSize, as transposeW is set\), but got shape \[5,48\]/);
    bad.dispose();
  });

  it('x given as an array with the wrong inner dimension', () => {
    expectCleanError(() => blockSparseMatMul([[1, 2, 3]], w, layout),
        /argument 'x' must be of shape \[\.\.\., 48\].*got shape \[1,3\]/);
  });

  it('w not [nnzBlocks, b, b] for the layout', () => {
    const bad = tf.zeros([4, 16, 8]);
    expectCleanError(() => blockSparseMatMul(x, bad, layout),
        /blockSparseMatMul: argument 'w' must be of shape \[nnzBlocks, b, b\] = \[4,16,16\] for BlockLayout\(48x32, b=16.*but got shape \[4,16,8\]/);
    expectCleanError(() => blocksToDense(bad, layout), /blocksToDense: argument 'w' must be of shape \[nnzBlocks, b, b\] = \[4,16,16\]/);
    bad.dispose();
  });

  it('non-float32 inputs', () => {
    const ints = tf.zeros([5, 48], 'int32');
    expectCleanError(() => blockSparseMatMul(ints, w, layout),
        /blockSparseMatMul: argument 'x' must be a float32 tensor, but got a int32 tensor/);
    const intW = tf.zeros(layout.weightShape, 'int32');
    expectCleanError(() => blockSparseMatMul(x, intW, layout), /argument 'w' must be a float32 tensor, but got a int32 tensor/);
    const b = tf.zeros([5, 32]);
    expectCleanError(() => blockSparseSampledMatMul(ints, b, layout), /blockSparseSampledMatMul: argument 'a' must be a float32 tensor/);
    tf.dispose([ints, intW, b]);
  });

  it('sampled operands with different leading dims', () => {
    const b = tf.zeros([4, 32]);
    expectCleanError(() => blockSparseSampledMatMul(x, b, layout),
        /blockSparseSampledMatMul: argument 'b' must be the same leading dims as a, \[5\], but got \[4\]/);
    b.dispose();
  });

  it('dense matrix of the wrong shape for denseToBlocks', () => {
    const bad = tf.zeros([32, 48]);
    expectCleanError(() => denseToBlocks(bad, layout), /denseToBlocks: argument 'dense' must be of shape \[K, N\] = \[48, 32\].*but got shape \[32,48\]/);
    bad.dispose();
  });

  it('K or N not a multiple of the block size', () => {
    expectCleanError(() => randomLayout({inputSize: 60, outputSize: 64, blockSize: 16, density: 0.5}),
        /randomLayout: argument 'inputSize' must be a positive multiple of blockSize 16, but got 60/);
    expectCleanError(() => BlockLayout.dense(64, 100, 32),
        /BlockLayout.dense: argument 'outputSize' must be a positive multiple of blockSize 32, but got 100/);
  });

  it('a block size outside {8, 16, 32, 64}', () => {
    expectCleanError(() => BlockLayout.fromMask([[1]], 12),
        /BlockLayout.fromMask: argument 'blockSize' must be one of 8, 16, 32, 64, but got 12/);
  });

  it('a mask with values other than 0/1', () => {
    expectCleanError(() => BlockLayout.fromMask([[1, 0], [2, 1]], 8),
        /BlockLayout.fromMask: argument 'mask' must hold only 0 and 1, but got 2 at \[1, 0\]/);
    expectCleanError(() => BlockLayout.fromMask({data: Float32Array.from([1, 0.5]), shape: [1, 2]}, 8),
        /must hold only 0 and 1, but got 0.5 at \[0, 1\]/);
  });

  it('a mask of the wrong rank', () => {
    expectCleanError(() => BlockLayout.fromMask([1, 0, 1] as unknown as number[][], 8),
        /BlockLayout.fromMask: argument 'mask' must be a rank-2 nested array/);
    const t = tf.ones([2, 2, 2], 'int32');
    expectCleanError(() => BlockLayout.fromMask(t, 8),
        /argument 'mask' must be a rank-2 tensor \[K\/b, N\/b\], but got rank 3 \(shape \[2,2,2\]\)/);
    t.dispose();
  });

  it('a layout with zero blocks', () => {
    const empty = BlockLayout.fromMask([[0, 0], [0, 0]], 8);
    const w0 = tf.zeros([0, 8, 8]);
    const x0 = tf.zeros([3, 16]);
    expectCleanError(() => blockSparseMatMul(x0, w0, empty),
        /blockSparseMatMul: argument 'layout' must be a layout with at least one block, but got a layout with 0 of 2 x 2 blocks/);
    expectCleanError(() => blockSparseSampledMatMul(x0, x0, empty), /at least one block/);
    tf.dispose([w0, x0]);
  });

  it('density outside (0, 1]', () => {
    expectCleanError(() => randomLayout({inputSize: 64, outputSize: 64, blockSize: 16, density: 0}),
        /randomLayout: argument 'density' must be a number in \(0, 1\], but got 0/);
  });
});
