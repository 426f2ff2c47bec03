import * as tf from '@tensorflow/tfjs-core';

import {checkArgument} from '../src/errors';
import {BlockSparseSoftmax, BlockSparseSoftmaxAttrs} from '../src/kernel_names';
import {toNamedAttrMap} from '../src/kernels/define_kernel';
import {BlockLayout} from '../src/layout/block_layout';

import {checkAttentionLayout, checkBlockOperand, checkCausalLayout, checkNonEmptyLead} from './attention_checks';
import {reshapeIfNeeded, toFloat32Tensor} from './checks';

export interface BlockSparseSoftmaxOptions {
  /** Multiplies the scores before the softmax; default 1. */
  scale?: number;
  /**
   * Masks keys after the query inside diagonal blocks; the layout must then
   * have no block above the diagonal. Default false.
   */
  causal?: boolean;
  /**
   * [batch, S], 1 (or any nonzero) to attend to a key and 0 for padding, as
   * Keras attention masks; float32, int32 or bool. `batch` is the first
   * leading dim of the scores (1 when they have none); the mask is shared
   * by the other leading dims (the heads).
   */
  keyMask?: tf.Tensor|tf.TensorLike;
}

/**
 * Row softmax of block-sparse scores [..., nnzBlocks, b, b] on a square
 * layout [S/b, S/b]: each query row is normalized over the entries its kept
 * blocks hold, after multiplying by `scale` and dropping masked entries
 * (`causal`, `keyMask`). Masked entries are 0; a row with every key masked
 * is all zeros, never NaN. Differentiable with respect to the scores.
 *
 * ```js
 * const scores = tfbs.blockSparseSDD(q, k, layout);
 * const probs = tfbs.blockSparseSoftmax(scores, layout,
 *     {scale: 1 / Math.sqrt(64), causal: true, keyMask});  // keyMask [2, 256]
 * ```
 */
function blockSparseSoftmax_(
    scores: tf.Tensor|tf.TensorLike, layout: BlockLayout,
    options: BlockSparseSoftmaxOptions = {}): tf.Tensor {
  const fn = 'blockSparseSoftmax';
  checkAttentionLayout(fn, layout);
  const scale = options.scale ?? 1;
  const causal = options.causal ?? false;
  checkArgument(
      typeof scale === 'number' && Number.isFinite(scale), fn, 'options.scale', 'a finite number',
      scale);
  checkArgument(typeof causal === 'boolean', fn, 'options.causal', 'a boolean', causal);
  if (causal) checkCausalLayout(fn, layout);
  const $scores = toFloat32Tensor(scores, 'scores', fn);
  const lead = checkBlockOperand(fn, 'scores', $scores, layout);
  checkNonEmptyLead(fn, 'scores', lead, $scores.shape);
  const batch = lead[0] ?? 1;
  const heads = tf.util.sizeFromShape(lead.slice(1));
  const keyMask = options.keyMask == null ? null :
                                            toKeyMask(fn, options.keyMask, batch, layout.inputSize);
  // BlockSparseSoftmaxInputs as tensors; keyMask only when given.
  const inputs: tf.NamedTensorMap = {
    scores: reshapeIfNeeded($scores, [batch, heads, ...layout.weightShape]),
  };
  if (keyMask != null) inputs.keyMask = keyMask;
  const attrs: BlockSparseSoftmaxAttrs = {layout, scale, causal};
  const out = tf.engine().runKernel(
                  BlockSparseSoftmax, inputs, toNamedAttrMap(BlockSparseSoftmax, attrs)) as
      tf.Tensor;
  return reshapeIfNeeded(out, $scores.shape);
}

/** The key mask as a float32 [batch, S] tensor. */
export function toKeyMask(
    fn: string, keyMask: tf.Tensor|tf.TensorLike, batch: number, sequenceLength: number):
    tf.Tensor {
  const arg = 'options.keyMask';
  checkArgument(
      keyMask instanceof tf.Tensor || typeof keyMask === 'object', fn, arg,
      'a tensor, a nested array or a typed array', keyMask);
  const $mask = keyMask instanceof tf.Tensor ? keyMask : tf.tensor(keyMask);
  checkArgument(
      $mask.dtype === 'float32' || $mask.dtype === 'int32' || $mask.dtype === 'bool', fn, arg,
      'a float32, int32 or bool tensor', `a ${$mask.dtype} tensor`);
  checkArgument(
      tf.util.arraysEqual($mask.shape, [batch, sequenceLength]), fn, arg,
      `of shape [batch, S] = [${batch}, ${sequenceLength}]`, `shape [${$mask.shape}]`);
  return $mask.dtype === 'float32' ? $mask : tf.cast($mask, 'float32');
}

export const blockSparseSoftmax = tf.op({blockSparseSoftmax_});
