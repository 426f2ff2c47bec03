import * as tf from '@tensorflow/tfjs-core';

import {checkArgument} from '../src/errors';
import {BlockSparseAttention, BlockSparseAttentionAttrs, BlockSparseAttentionBackward, BlockSparseAttentionBackwardAttrs} from '../src/kernel_names';
import {toNamedAttrMap} from '../src/kernels/define_kernel';
import {BlockLayout} from '../src/layout/block_layout';

import {checkAttentionLayout, checkCausalLayout, checkNonEmptyLead, checkSequenceOperand} from './attention_checks';
import {toKeyMask} from './block_sparse_softmax';
import {toFloat32Tensor} from './checks';

export interface BlockSparseAttentionOptions {
  /** Each query attends only to itself and earlier keys. Default false. */
  causal?: boolean;
  /** Multiplies q . k^T before the softmax; default 1 / sqrt(d). */
  scale?: number;
  /** [batch, S]: 1 (nonzero) attends, 0 is padding; float32, int32 or bool. */
  keyMask?: tf.Tensor|tf.TensorLike;
}

/**
 * Attention whose score matrix is block-sparse:
 * softmax(scale * q . k^T, masked) . v evaluated only on the blocks of a
 * square layout [S/b, S/b] (see `localAttentionLayout`,
 * `stridedAttentionLayout`, `bigBirdAttentionLayout`), so cost and memory
 * grow with the kept blocks, not with S^2. It is blockSparseSDD,
 * blockSparseSoftmax and blockSparseDSD in one kernel (BlockSparseAttention:
 * fused per block row by the native tensorflow kernel, the three kernels on
 * other backends), differentiable in q, k and v.
 *
 * q and k are [batch, heads, S, d], v is [batch, heads, S, dv]; the result
 * is [batch, heads, S, dv]. A query whose keys are all masked (or whose
 * block row is empty) gets zeros.
 *
 * ```js
 * const layout = tfbs.bigBirdAttentionLayout({sequenceLength: 512, blockSize: 32,
 *     windowBlocks: 1, globalBlocks: 1, randomBlocks: 2, causal: true, seed: 1});
 * const [q, k, v] = [0, 1, 2].map(() => tf.randomNormal([2, 4, 512, 64]));
 * const out = tfbs.blockSparseAttention(q, k, v, layout, {causal: true});
 * ```
 */
function blockSparseAttention_(
    q: tf.Tensor|tf.TensorLike, k: tf.Tensor|tf.TensorLike, v: tf.Tensor|tf.TensorLike,
    layout: BlockLayout, options: BlockSparseAttentionOptions = {}): tf.Tensor4D {
  const fn = 'blockSparseAttention';
  checkAttentionLayout(fn, layout);
  const $q = toFloat32Tensor(q, 'q', fn);
  const $k = toFloat32Tensor(k, 'k', fn);
  const $v = toFloat32Tensor(v, 'v', fn);
  const S = layout.inputSize;
  const {lead, depth} = checkSequenceOperand(fn, 'q', $q, layout);
  checkArgument(
      lead.length === 2, fn, 'q', `of shape [batch, heads, S, d] with S = ${S} (the layout's size)`,
      `shape [${$q.shape}]`);
  checkNonEmptyLead(fn, 'q', lead, $q.shape);
  checkArgument(
      tf.util.arraysEqual($k.shape, $q.shape), fn, 'k', `of the shape of q, [${$q.shape}]`,
      `shape [${$k.shape}]`);
  const {lead: leadV} = checkSequenceOperand(fn, 'v', $v, layout);
  checkArgument(
      tf.util.arraysEqual(leadV, lead), fn, 'v',
      `of shape [${lead}, S, dv] (batch and heads of q)`, `shape [${$v.shape}]`);
  const scale = options.scale ?? 1 / Math.sqrt(depth);
  checkArgument(
      typeof scale === 'number' && Number.isFinite(scale), fn, 'options.scale', 'a finite number',
      scale);
  const causal = options.causal ?? false;
  checkArgument(typeof causal === 'boolean', fn, 'options.causal', 'a boolean', causal);
  if (causal) checkCausalLayout(fn, layout);
  const keyMask = options.keyMask == null ? undefined :
                                            toKeyMask(fn, options.keyMask, lead[0]!, S);
  const attrs: BlockSparseAttentionAttrs = {layout, scale, causal};
  // A custom gradient rather than one registered for the kernel: the tape
  // would then hand the gradient a zeros tensor for the probs output that
  // nothing downstream uses, built in JavaScript (8 MB at S = 4096).
  const attend = tf.customGrad((...args: Array<tf.Tensor|tf.GradSaveFunc>) => {
    const [q, k, v] = args as [tf.Tensor, tf.Tensor, tf.Tensor];
    const save = args[3] as tf.GradSaveFunc;
    const inputs: tf.NamedTensorMap = keyMask == null ? {q, k, v} : {q, k, v, keyMask};
    const [out, probs] = tf.engine().runKernel(
                             BlockSparseAttention, inputs, toNamedAttrMap(BlockSparseAttention, attrs)) as
        tf.Tensor[];
    save([q, k, v, probs!]);
    return {value: out!, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => attentionGradients(dy, saved, attrs)};
  });
  return attend($q, $k, $v) as tf.Tensor4D;
}

/** [dq, dk, dv] from one BlockSparseAttentionBackward kernel; the key mask is a constant. */
function attentionGradients(
    dy: tf.Tensor, [q, k, v, probs]: tf.Tensor[], {layout, scale, causal}: BlockSparseAttentionAttrs):
    tf.Tensor[] {
  const attrs: BlockSparseAttentionBackwardAttrs = {layout, scale, causal};
  return tf.engine().runKernel(
             BlockSparseAttentionBackward, {q: q!, k: k!, v: v!, probs: probs!, dy},
             toNamedAttrMap(BlockSparseAttentionBackward, attrs)) as tf.Tensor[];
}

export const blockSparseAttention = tf.op({blockSparseAttention_});
