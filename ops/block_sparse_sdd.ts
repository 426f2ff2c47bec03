import * as tf from '@tensorflow/tfjs-core';

import {checkArgument} from '../src/errors';
import {BlockSparseSDD, BlockSparseSDDAttrs} from '../src/kernel_names';
import {toNamedAttrMap} from '../src/kernels/define_kernel';
import {BlockLayout} from '../src/layout/block_layout';

import {checkAttentionLayout, checkNonEmptyLead, checkSequenceOperand} from './attention_checks';
import {reshapeIfNeeded, toFloat32Tensor} from './checks';

/**
 * The blocks of a . b^T that a square layout [S/b, S/b] keeps ("sdd"): the
 * attention scores q . k^T of block-sparse attention, computed only where
 * the layout has a block. a and b are [..., S, d] with the same shape; the
 * result is [..., nnzBlocks, b, b], block v holding queries of block row
 * `layout.blockRow[v]` against keys of block column `layout.blockCol[v]`.
 * Differentiable with respect to a and b.
 *
 * ```js
 * const layout = tfbs.localAttentionLayout({sequenceLength: 256, blockSize: 32, windowBlocks: 1});
 * const q = tf.randomNormal([2, 4, 256, 64]), k = tf.randomNormal([2, 4, 256, 64]);
 * const scores = tfbs.blockSparseSDD(q, k, layout);  // [2, 4, nnzBlocks, 32, 32]
 * ```
 */
function blockSparseSDD_(
    a: tf.Tensor|tf.TensorLike, b: tf.Tensor|tf.TensorLike, layout: BlockLayout): tf.Tensor {
  const fn = 'blockSparseSDD';
  checkAttentionLayout(fn, layout);
  const $a = toFloat32Tensor(a, 'a', fn);
  const $b = toFloat32Tensor(b, 'b', fn);
  const {lead, depth} = checkSequenceOperand(fn, 'a', $a, layout);
  checkNonEmptyLead(fn, 'a', lead, $a.shape);
  checkArgument(
      tf.util.arraysEqual($b.shape, $a.shape), fn, 'b', `of the shape of a, [${$a.shape}]`,
      `shape [${$b.shape}]`);
  const batch = tf.util.sizeFromShape(lead);
  const folded = [batch, layout.inputSize, depth];
  const attrs: BlockSparseSDDAttrs = {layout};
  const out = tf.engine().runKernel(
                  BlockSparseSDD, {a: reshapeIfNeeded($a, folded), b: reshapeIfNeeded($b, folded)},
                  toNamedAttrMap(BlockSparseSDD, attrs)) as tf.Tensor;
  return reshapeIfNeeded(out, [...lead, ...layout.weightShape]);
}

export const blockSparseSDD = tf.op({blockSparseSDD_});
