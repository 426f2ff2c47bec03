/**
 * The attention products sdd and dsd (math in src/kernel_names.ts) composed
 * of standard tfjs ops, for backends without their own kernels: the blocks
 * of q, k or v that each kept block pairs are gathered, multiplied as a
 * batch of b x b products, and (for dsd) summed per block row or column.
 * Every intermediate has the size of the kept blocks, never [S, S]; the
 * block-sparse matmul fallback of webgl and wasm is not used, because it
 * expands to the dense matrix.
 */
import * as tf from '@tensorflow/tfjs-core';

import {BlockLayout} from '../../layout/block_layout';

import {reduceBlockGroups} from './block_groups';

/** [batch, S, d] as its [batch, S/b, b, d] blocks, those at `blockIndex` gathered. */
function gatherBlocks(x: tf.Tensor, blockIndex: Int32Array, layout: BlockLayout): tf.Tensor {
  const [batch, , depth] = x.shape;
  const blocks = tf.reshape(x, [batch, layout.blockRows, layout.blockSize, depth]);
  return tf.gather(blocks, tf.tensor1d(blockIndex, 'int32'), 1);
}

/** A batch of products over [batch, nnz] pairs, as a rank-3 batched matMul. */
function pairwiseMatMul(
    x: tf.Tensor, y: tf.Tensor, transposeX: boolean, transposeY: boolean): tf.Tensor {
  const [batch, nnz, xRows, xCols] = x.shape as number[] as [number, number, number, number];
  const [, , yRows, yCols] = y.shape as number[] as [number, number, number, number];
  const product = tf.matMul(
      tf.reshape(x, [batch * nnz, xRows, xCols]) as tf.Tensor3D,
      tf.reshape(y, [batch * nnz, yRows, yCols]) as tf.Tensor3D, transposeX, transposeY);
  return tf.reshape(product, [batch, nnz, ...product.shape.slice(1)]);
}

/** a, b [batch, S, d] -> the kept blocks of a . b^T, [batch, nnz, b, b]. */
export function sddComposed(a: tf.Tensor, b: tf.Tensor, layout: BlockLayout): tf.Tensor {
  return tf.tidy(() => pairwiseMatMul(
                     gatherBlocks(a, layout.blockRow, layout),
                     gatherBlocks(b, layout.blockCol, layout), false, true));
}

/** p [batch, nnz, b, b], v [batch, S, d] -> P . v (or P^T . v), [batch, S, d]. */
export function dsdComposed(
    p: tf.Tensor, v: tf.Tensor, layout: BlockLayout, transposeP: boolean): tf.Tensor {
  return tf.tidy(() => {
    // P . v: block v = (r, c) takes v's block c to output block r; P^T . v the reverse.
    const [source, table] = transposeP ? [layout.blockRow, layout.columnTable] :
                                         [layout.blockCol, layout.rowTable];
    const products = pairwiseMatMul(p, gatherBlocks(v, source, layout), transposeP, false);
    const outputBlocks = reduceBlockGroups(products, table, 1, 'sum');
    return tf.reshape(outputBlocks, v.shape);
  });
}
