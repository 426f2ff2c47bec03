import * as tf from '@tensorflow/tfjs-core';

import {checkArgument} from '../errors';

import {BlockLayout, checkBlockSize, checkDensity, checkDivisible} from './block_layout';

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
 * The block norms are read back synchronously; on backends without
 * synchronous reads (webgpu in Node) use `layoutFromWeightsAsync`.
 */
export function layoutFromWeights(
    weights: tf.Tensor|number[][], blockSize: number,
    density: number): BlockLayout {
  if (!(weights instanceof tf.Tensor)) {
    // Host arrays stay on the host: no device round trip, works everywhere.
    const {norms, shape} = hostBlockNorms(weights, blockSize, density);
    return keepLargest(norms, shape, blockSize, density);
  }
  const norms = blockNorms(weights, blockSize, density);
  const values = norms.dataSync();
  norms.dispose();
  return keepLargest(values, norms.shape, blockSize, density);
}

/** `layoutFromWeights` reading the block norms asynchronously. */
export async function layoutFromWeightsAsync(
    weights: tf.Tensor|number[][], blockSize: number,
    density: number): Promise<BlockLayout> {
  if (!(weights instanceof tf.Tensor)) {
    return layoutFromWeights(weights, blockSize, density);
  }
  const norms = blockNorms(weights, blockSize, density);
  const values = await norms.data();
  norms.dispose();
  return keepLargest(values, norms.shape, blockSize, density);
}

function checkPruneArgs(blockSize: number, density: number): void {
  const fn = 'layoutFromWeights';
  checkBlockSize(fn, blockSize);
  checkDensity(fn, 'density', density);
}

function checkWeightShape(shape: number[], blockSize: number): void {
  const fn = 'layoutFromWeights';
  checkArgument(
      shape.length === 2, fn, 'weights', 'a rank-2 [K, N] matrix',
      `shape [${shape}]`);
  checkDivisible(fn, 'weights.shape[0]', shape[0], blockSize);
  checkDivisible(fn, 'weights.shape[1]', shape[1], blockSize);
}

function hostBlockNorms(weights: number[][], blockSize: number, density: number):
    {norms: Float64Array, shape: [number, number]} {
  checkPruneArgs(blockSize, density);
  const shape = [weights.length, weights[0]?.length ?? 0];
  checkWeightShape(shape, blockSize);
  const cols = shape[1] / blockSize;
  const norms = new Float64Array((shape[0] / blockSize) * cols);
  weights.forEach((row, r) => {
    checkArgument(
        row.length === shape[1], 'layoutFromWeights', 'weights',
        `rows of equal length ${shape[1]}`, `row ${r} of length ${row.length}`);
    const base = Math.floor(r / blockSize) * cols;
    row.forEach((value, c) => norms[base + Math.floor(c / blockSize)] += value * value);
  });
  return {norms, shape: [shape[0] / blockSize, cols]};
}

/** Squared Frobenius norm of every block: [K/b, N/b]. */
function blockNorms(
    w: tf.Tensor, blockSize: number, density: number): tf.Tensor2D {
  checkPruneArgs(blockSize, density);
  checkWeightShape(w.shape, blockSize);
  return tf.tidy(() => {
    const [inputSize, outputSize] = w.shape;
    const rows = inputSize / blockSize, cols = outputSize / blockSize;
    const blocks = tf.reshape(
        tf.cast(w, 'float32'), [rows, blockSize, cols, blockSize]);
    return tf.sum(tf.square(blocks), [1, 3]) as tf.Tensor2D;
  });
}

function keepLargest(
    norms: ArrayLike<number>, shape: [number, number], blockSize: number,
    density: number): BlockLayout {
  const [rows, cols] = shape;
  const keep = Math.max(1, Math.round(density * rows * cols));
  const order = Array.from({length: norms.length}, (_, i) => i)
                    .sort((i, j) => norms[j] - norms[i] || i - j);
  const mask = new Uint8Array(rows * cols);
  for (let i = 0; i < keep; i++) mask[order[i]] = 1;
  return BlockLayout.fromMask({data: mask, shape: [rows, cols]}, blockSize);
}
