import * as tf from '@tensorflow/tfjs-core';

import {BlockLayout} from '../src/layout/block_layout';

import {checkBlockWeights, checkLayout, toFloat32Tensor} from './checks';

/**
 * Scatters the blocks `w: [nnzBlocks, b, b]` into the dense [K, N] matrix
 * they describe, with zeros where the layout has no block. Built from gather,
 * reshape and transpose, so it is differentiable and runs on every backend.
 *
 * ```js
 * const dense = tfbs.blocksToDense(w, layout);  // [layout.inputSize, layout.outputSize]
 * ```
 */
function blocksToDense_(
    w: tf.Tensor|tf.TensorLike, layout: BlockLayout): tf.Tensor2D {
  const fn = 'blocksToDense';
  checkLayout(fn, layout);
  const $w = toFloat32Tensor(w, 'w', fn);
  checkBlockWeights(fn, 'w', $w, layout);
  const {blockRows, blockCols, blockSize, nnzBlocks} = layout;
  // Every grid position reads its block, or the zero block appended at nnz.
  const source = new Int32Array(blockRows * blockCols).fill(nnzBlocks);
  for (let v = 0; v < nnzBlocks; v++) {
    source[layout.blockRow[v] * blockCols + layout.blockCol[v]] = v;
  }
  const padded =
      tf.concat([$w, tf.zeros([1, blockSize, blockSize])], 0);
  const grid = tf.gather(padded, tf.tensor1d(source, 'int32'));
  const blocks = tf.reshape(grid, [blockRows, blockCols, blockSize, blockSize]);
  return tf.reshape(
      tf.transpose(blocks, [0, 2, 1, 3]),
      [layout.inputSize, layout.outputSize]);
}

export const blocksToDense = tf.op({blocksToDense_});
