import * as tf from '@tensorflow/tfjs-core';

import {BlockSparseDSD, BlockSparseDSDAttrs} from '../src/kernel_names';
import {toNamedAttrMap} from '../src/kernels/define_kernel';
import {BlockLayout} from '../src/layout/block_layout';

import {checkAttentionLayout, checkBlockOperand, checkNonEmptyLead, checkSameLead, checkSequenceOperand} from './attention_checks';
import {reshapeIfNeeded, toFloat32Tensor} from './checks';

export interface BlockSparseDSDOptions {
  /** Multiply by P^T instead of P (the gradient of v uses it). */
  transposeP?: boolean;
}

/**
 * Block-sparse P times dense v ("dsd"): p [..., nnzBlocks, b, b] holds the
 * kept blocks of an [S, S] matrix on a square layout [S/b, S/b], v is
 * [..., S, d] with the same leading dims, and the result P . v is
 * [..., S, d] (rows whose block row has no block are zero). With
 * `transposeP` it is P^T . v. Differentiable with respect to p and v.
 *
 * ```js
 * const probs = tfbs.blockSparseSoftmax(scores, layout, {scale: 1 / 8});
 * const out = tfbs.blockSparseDSD(probs, v, layout);  // [2, 4, 256, 64]
 * ```
 */
function blockSparseDSD_(
    p: tf.Tensor|tf.TensorLike, v: tf.Tensor|tf.TensorLike, layout: BlockLayout,
    options: BlockSparseDSDOptions = {}): tf.Tensor {
  const fn = 'blockSparseDSD';
  checkAttentionLayout(fn, layout);
  const $p = toFloat32Tensor(p, 'p', fn);
  const $v = toFloat32Tensor(v, 'v', fn);
  const lead = checkBlockOperand(fn, 'p', $p, layout);
  checkNonEmptyLead(fn, 'p', lead, $p.shape);
  const {lead: leadV, depth} = checkSequenceOperand(fn, 'v', $v, layout);
  checkSameLead(fn, 'v', leadV, 'p', lead);
  const batch = tf.util.sizeFromShape(lead);
  const attrs: BlockSparseDSDAttrs = {layout, transposeP: options.transposeP ?? false};
  const out = tf.engine().runKernel(
                  BlockSparseDSD, {
                    p: reshapeIfNeeded($p, [batch, ...layout.weightShape]),
                    v: reshapeIfNeeded($v, [batch, layout.inputSize, depth]),
                  },
                  toNamedAttrMap(BlockSparseDSD, attrs)) as tf.Tensor;
  return reshapeIfNeeded(out, [...lead, layout.inputSize, depth]);
}

export const blockSparseDSD = tf.op({blockSparseDSD_});
