import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseAttention, BlockSparseAttentionBackward} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';
import {attentionBackwardComposed, attentionComposed} from '../fallback/fused_attention';

import {nativeAddonFor} from './kernel_path';
import {nativeAttention, nativeAttentionBackward} from './native_attention';
import type {TFNodeBackend} from './tf_ops';

/**
 * Attention on the tensorflow backend: the native op on the CPU (scores,
 * softmax and product of a block row in one pass), else the three
 * attention kernels.
 */
export function blockSparseAttentionTensorflow(
    args: KernelArgs<typeof BlockSparseAttention, TFNodeBackend>): [tf.TensorInfo, tf.TensorInfo] {
  const {inputs, attrs, backend} = args;
  const addon = nativeAddonFor(backend);
  if (addon != null) return nativeAttention(backend, addon, inputs, attrs);
  return attentionComposed(args);
}

/** Its backward: the native op on the CPU (two passes), else composed. */
export function blockSparseAttentionBackwardTensorflow(
    args: KernelArgs<typeof BlockSparseAttentionBackward, TFNodeBackend>):
    [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo] {
  const {inputs, attrs, backend} = args;
  const addon = nativeAddonFor(backend);
  if (addon != null) return nativeAttentionBackward(backend, addon, inputs, attrs);
  return attentionBackwardComposed(args);
}

export const blockSparseAttentionTensorflowConfig =
    defineKernel(BlockSparseAttention, 'tensorflow', blockSparseAttentionTensorflow);
export const blockSparseAttentionBackwardTensorflowConfig = defineKernel(
    BlockSparseAttentionBackward, 'tensorflow', blockSparseAttentionBackwardTensorflow);
