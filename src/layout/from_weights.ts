import * as tf from '@tensorflow/tfjs-core';

import {checkArgument} from '../errors';

import {BlockLayout, checkBlockSize, checkDivisible} from './block_layout';

/**
 * Magnitude pruning: the layout keeping the blocks of largest Frobenius norm
 * of a dense [K, N] weight, round(density * blocks) of them (at least one).
 * Ties go to the block that comes first in row-major order.
 *
 * ```js
 * const kernel = denseLayer.getWeights()[0];        // [K, N]
 * const layout = layoutFromWeights(kernel, 32, 1 / 8);
 * const blocks = denseToBlocks(kernel, layout);     // initial sparse weights
 * ```
 *
 * The block norms are read back synchronously, so on backends without sync
 * reads (webgpu in Node) pass a CPU tensor or nested arrays.
 */
export function layoutFromWeights(
    weights: tf.Tensor|number[][], blockSize: number,
    density: number): BlockLayout {
  const fn = 'layoutFromWeights';
  checkBlockSize(fn, blockSize);
  checkArgument(
      typeof density === 'number' && density > 0 && density <= 1, fn,
      'density', 'a number in (0, 1]', density);
  const norms = tf.tidy(() => {
    const w = weights instanceof tf.Tensor ? weights : tf.tensor2d(weights);
    checkArgument(
        w.rank === 2, fn, 'weights', 'a rank-2 [K, N] matrix',
        `shape [${w.shape}]`);
    const [inputSize, outputSize] = w.shape;
    checkDivisible(fn, 'weights.shape[0]', inputSize, blockSize);
    checkDivisible(fn, 'weights.shape[1]', outputSize, blockSize);
    const rows = inputSize / blockSize, cols = outputSize / blockSize;
    const blocks = tf.reshape(
        tf.cast(w, 'float32'), [rows, blockSize, cols, blockSize]);
    return tf.sum(tf.square(blocks), [1, 3]) as tf.Tensor2D;
  });
  const [rows, cols] = norms.shape;
  const values = norms.dataSync();
  norms.dispose();
  const keep = Math.max(1, Math.round(density * rows * cols));
  const order = Array.from(values.keys())
                    .sort((i, j) => values[j] - values[i] || i - j);
  const mask = new Uint8Array(rows * cols);
  for (let i = 0; i < keep; i++) mask[order[i]] = 1;
  return BlockLayout.fromMask({data: mask, shape: [rows, cols]}, blockSize);
}
