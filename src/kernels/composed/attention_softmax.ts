/**
 * The block-sparse row softmax (math in src/kernel_names.ts) composed of
 * standard tfjs ops: each row's maximum and sum of exponentials are reduced
 * per block, then over the blocks of its block row (reduceBlockGroups), and
 * gathered back to the blocks. Intermediates are the size of the kept
 * blocks.
 */
import * as tf from '@tensorflow/tfjs-core';

import {blockSparseDSD} from '../../../ops/block_sparse_dsd';
import {BlockLayout} from '../../layout/block_layout';

import {reduceBlockGroups} from './block_groups';

/**
 * Masked entries are pushed this far below any real score before the row
 * maximum, so they never set it; finite, as WGSL does not promise infinities.
 */
const MASKED_SCORE = -1e30;

/**
 * 1 where an entry may be attended, 0 where it is masked, broadcastable to
 * scores [batch, heads, nnz, b, b]; null when nothing is masked.
 */
function allowedEntries(
    layout: BlockLayout, causal: boolean, keyMask: tf.Tensor|undefined): tf.Tensor|null {
  const {blockSize: b, nnzBlocks} = layout;
  let allowed: tf.Tensor|null = null;
  if (causal) {
    const onDiagonal = new Float32Array(nnzBlocks);
    for (let v = 0; v < nnzBlocks; v++) {
      onDiagonal[v] = layout.blockRow[v] === layout.blockCol[v] ? 1 : 0;
    }
    const aboveDiagonal = new Float32Array(b * b);
    for (let i = 0; i < b; i++) aboveDiagonal.fill(1, i * b + i + 1, (i + 1) * b);
    // [nnz, b, b]: 0 above the diagonal of diagonal blocks, 1 elsewhere.
    allowed = tf.sub(
        1, tf.mul(tf.tensor3d(onDiagonal, [nnzBlocks, 1, 1]), tf.tensor2d(aboveDiagonal, [b, b])));
  }
  if (keyMask != null) {
    const batch = keyMask.shape[0];
    const keys = tf.reshape(tf.cast(tf.notEqual(keyMask, 0), 'float32'), [batch, layout.blockRows, b]);
    const perBlock = tf.gather(keys, tf.tensor1d(layout.blockCol, 'int32'), 1);
    const keyAllowed = tf.reshape(perBlock, [batch, 1, nnzBlocks, 1, b]);
    allowed = allowed == null ? keyAllowed : tf.mul(allowed, keyAllowed);
  }
  return allowed;
}

/** Per-row values [batch, heads, nnz, b] reduced over each block row, back on every block. */
function overBlockRow(
    perBlock: tf.Tensor, layout: BlockLayout, reduction: 'sum'|'max'): tf.Tensor {
  const perRow = reduceBlockGroups(perBlock, layout.rowTable, 2, reduction);
  return tf.expandDims(tf.gather(perRow, tf.tensor1d(layout.blockRow, 'int32'), 2), -1);
}

/** scores [batch, heads, nnz, b, b], keyMask [batch, S] -> probabilities of that shape. */
export function softmaxComposed(
    scores: tf.Tensor, keyMask: tf.Tensor|undefined, layout: BlockLayout, scale: number,
    causal: boolean): tf.Tensor {
  return tf.tidy(() => {
    const allowed = allowedEntries(layout, causal, keyMask);
    let logits = tf.mul(scores, scale);
    if (allowed != null) {
      logits = tf.add(tf.mul(logits, allowed), tf.mul(tf.sub(allowed, 1), -MASKED_SCORE));
    }
    const rowMax = overBlockRow(tf.max(logits, -1), layout, 'max');
    let exps: tf.Tensor;
    if (allowed == null) {
      exps = tf.exp(tf.sub(logits, rowMax));
    } else {
      // A masked entry can lie above its row's maximum (all keys masked):
      // clamped at 0 its exponential stays finite before it is zeroed.
      exps = tf.mul(tf.exp(tf.minimum(tf.sub(logits, rowMax), 0)), allowed);
    }
    const rowSum = overBlockRow(tf.sum(exps, -1), layout, 'sum');
    // A row with an allowed entry sums to at least 1 (its maximum gives
    // exp(0)); a row with none sums to 0 over zeros, and stays 0, not NaN.
    return tf.div(exps, tf.maximum(rowSum, 1));
  });
}

/**
 * The softmax's backward, scale * p * (dp - rowsum(dp * p)), on the kept
 * blocks only: the row sums are the block-sparse product (dp * p) . 1,
 * gathered back onto each block's rows.
 */
export function softmaxBackwardComposed(
    p: tf.Tensor, dp: tf.Tensor, layout: BlockLayout, scale: number): tf.Tensor {
  return tf.tidy(() => {
    const [batch, heads] = p.shape;
    const {blockRows, blockSize, inputSize: S} = layout;
    const weighted = tf.mul(dp, p);
    const rowSums = blockSparseDSD(weighted, tf.ones([batch, heads, S, 1]), layout);
    const perBlock = tf.gather(
        tf.reshape(rowSums, [batch, heads, blockRows, blockSize]),
        tf.tensor1d(layout.blockRow, 'int32'), 2);
    return tf.mul(tf.mul(p, tf.sub(dp, tf.expandDims(perBlock, -1))), scale);
  });
}
