/**
 * Converting a block-sparse layer's weights to and from the dense weights of
 * the tfjs layer it mirrors: `tf.layers.dense` ([kernel [K, N], bias]) for
 * `BlockSparseDense`, `tf.layers.lstm` ([kernel [K, 4u], recurrentKernel
 * [u, 4u], bias]) for `BlockSparseLSTM` and its cell. Dense kernels pass
 * through unchanged.
 *
 * ```js
 * const [kernel, bias] = tfbs.layers.denseWeights(sparseLayer);  // to inspect/export
 * denseLayer.setWeights([kernel, bias]);          // tf.layers.dense, same function
 * tfbs.layers.setDenseWeights(sparseLayer, denseLayer.getWeights());  // cut to the layout
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import {blocksToDense} from '../../ops/blocks_to_dense';
import {denseToBlocks} from '../../ops/dense_to_blocks';
import {checkArgument} from '../errors';
import {BlockLayout} from '../layout/block_layout';

import type {BlockSparseDense} from './block_sparse_dense';
import type {BlockSparseLSTM} from './block_sparse_lstm';
import type {BlockSparseLSTMCell} from './block_sparse_lstm_cell';
import {weightLayoutsOf} from './weight_layouts';

export type BlockSparseLayer = BlockSparseDense|BlockSparseLSTM|
    BlockSparseLSTMCell;

/** Per weight of `layer.getWeights()`: its layout, or null if it is dense. */
function weightLayouts(fn: string, layer: BlockSparseLayer):
    Array<BlockLayout|null> {
  const weights = weightLayoutsOf(layer);
  checkArgument(
      weights != null, fn, 'layer',
      'a block-sparse layer (BlockSparseDense, BlockSparseLSTM, ' +
          'BlockSparseLSTMCell or a tf.layers.rnn of one)',
      (layer as object | null)?.constructor?.name ?? layer);
  checkArgument(
      layer.built, fn, 'layer', 'a built layer (use it in a model first)',
      'a layer that is not built');
  return weights.map(w => w.layout);
}

/**
 * The layer's weights in the dense form of the matching tfjs layer; new
 * tensors the caller owns.
 */
export function denseWeights(layer: BlockSparseLayer): tf.Tensor[] {
  const layouts = weightLayouts('denseWeights', layer);
  const weights = layer.getWeights();
  return tf.tidy(() => weights.map(
      (w, i) => layouts[i] == null ? w.clone() : blocksToDense(w, layouts[i]!)));
}

/**
 * Sets the layer's weights from the dense weights of the matching tfjs layer,
 * keeping only the blocks of each layout (values elsewhere are dropped).
 */
export function setDenseWeights(
    layer: BlockSparseLayer, weights: tf.Tensor[]): void {
  const fn = 'setDenseWeights';
  const layouts = weightLayouts(fn, layer);
  checkArgument(
      Array.isArray(weights) && weights.length === layouts.length, fn,
      'weights', `${layouts.length} tensors`,
      Array.isArray(weights) ? `${weights.length} tensors` : weights);
  const blocks = tf.tidy(() => weights.map(
      (w, i) => layouts[i] == null ? w.clone() : denseToBlocks(w, layouts[i]!)));
  try {
    layer.setWeights(blocks);
  } finally {
    tf.dispose(blocks);
  }
}
