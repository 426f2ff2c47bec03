import * as tf from '@tensorflow/tfjs-core';

import {checkArgument} from '../src/errors';
import {BlockLayout} from '../src/layout/block_layout';

import {checkLayout, toFloat32Tensor} from './checks';

/**
 * Cuts the blocks kept by `layout` out of a dense [K, N] matrix, giving the
 * compact weight `[nnzBlocks, b, b]`; values outside the layout are dropped.
 * Differentiable and available on every backend.
 *
 * ```js
 * const w = tfbs.denseToBlocks(denseKernel, layout);  // layout.weightShape
 * ```
 */
function denseToBlocks_(
    dense: tf.Tensor|tf.TensorLike, layout: BlockLayout): tf.Tensor3D {
  const fn = 'denseToBlocks';
  checkLayout(fn, layout);
  const $dense = toFloat32Tensor(dense, 'dense', fn);
  checkArgument(
      tf.util.arraysEqual($dense.shape, [layout.inputSize, layout.outputSize]),
      fn, 'dense', `of shape [K, N] = [${layout.inputSize}, ${
          layout.outputSize}] for ${layout}`,
      `shape [${$dense.shape}]`);
  const {blockRows, blockCols, blockSize, nnzBlocks} = layout;
  const gridIndex = new Int32Array(nnzBlocks);
  for (let v = 0; v < nnzBlocks; v++) {
    gridIndex[v] = layout.blockRow[v] * blockCols + layout.blockCol[v];
  }
  const blocks = tf.reshape(
      tf.transpose(
          tf.reshape($dense, [blockRows, blockSize, blockCols, blockSize]),
          [0, 2, 1, 3]),
      [blockRows * blockCols, blockSize, blockSize]);
  return tf.gather(blocks, tf.tensor1d(gridIndex, 'int32')) as tf.Tensor3D;
}

export const denseToBlocks = tf.op({denseToBlocks_});
