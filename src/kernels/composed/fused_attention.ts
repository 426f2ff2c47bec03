/**
 * BlockSparseAttention and its backward as the three attention kernels
 * they stand for (kernel_names.ts), for every backend without a fused
 * kernel of its own, and for the tensorflow kernels off their native path.
 */
import * as tf from '@tensorflow/tfjs-core';

import {blockSparseDSD} from '../../../ops/block_sparse_dsd';
import {blockSparseSDD} from '../../../ops/block_sparse_sdd';
import {blockSparseSoftmax} from '../../../ops/block_sparse_softmax';
import {BlockSparseAttention, BlockSparseAttentionBackward, BlockSparseSoftmaxBackward, BlockSparseSoftmaxBackwardAttrs} from '../../kernel_names';
import {defineKernel, KernelArgs, toNamedAttrMap} from '../define_kernel';

// The engine hands kernels the input tensors themselves, so public ops apply.

/** [out, probs] from BlockSparseSDD, BlockSparseSoftmax and BlockSparseDSD. */
export function attentionComposed(
    {inputs, attrs}: KernelArgs<typeof BlockSparseAttention, unknown>): [tf.Tensor, tf.Tensor] {
  const {layout, scale, causal} = attrs;
  const [q, k, v] = [inputs.q, inputs.k, inputs.v] as tf.Tensor[];
  const keyMask = inputs.keyMask as tf.Tensor | undefined;
  return tf.tidy(() => {
    const probs = blockSparseSoftmax(blockSparseSDD(q!, k!, layout), layout, {scale, causal, keyMask});
    return [blockSparseDSD(probs, v!, layout), probs];
  });
}

/** [dq, dk, dv] from BlockSparseSDD, BlockSparseSoftmaxBackward and BlockSparseDSD. */
export function attentionBackwardComposed(
    {inputs, attrs}: KernelArgs<typeof BlockSparseAttentionBackward, unknown>):
    [tf.Tensor, tf.Tensor, tf.Tensor] {
  const {layout, scale} = attrs;
  const [q, k, v, probs, dy] = [inputs.q, inputs.k, inputs.v, inputs.probs, inputs.dy] as tf.Tensor[];
  return tf.tidy(() => {
    const softmaxAttrs: BlockSparseSoftmaxBackwardAttrs = {layout, scale};
    const dScores = tf.engine().runKernel(
                        BlockSparseSoftmaxBackward, {p: probs!, dp: blockSparseSDD(dy!, v!, layout)},
                        toNamedAttrMap(BlockSparseSoftmaxBackward, softmaxAttrs)) as tf.Tensor;
    return [
      blockSparseDSD(dScores, k!, layout),
      blockSparseDSD(dScores, q!, layout, {transposeP: true}),
      blockSparseDSD(probs!, dy!, layout, {transposeP: true}),
    ];
  });
}

/** Both attention kernels as the three kernels above, for `backendName`. */
export function composedAttentionKernelConfigs(backendName: string): tf.KernelConfig[] {
  return [
    defineKernel(BlockSparseAttention, backendName, attentionComposed),
    defineKernel(BlockSparseAttentionBackward, backendName, attentionBackwardComposed),
  ];
}
