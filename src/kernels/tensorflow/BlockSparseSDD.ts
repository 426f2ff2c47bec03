import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSDD} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';
import {sddComposed} from '../fallback/attention_products';

import {nativeAddonFor} from './kernel_path';
import {nativeSDD} from './native_attention';
import type {TFNodeBackend} from './tf_ops';

/**
 * Attention scores on the tensorflow backend: the native op on the CPU,
 * else the blocks gathered and multiplied with composed tfjs ops.
 */
export function blockSparseSDDTensorflow(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseSDD, TFNodeBackend>): tf.TensorInfo {
  const addon = nativeAddonFor(backend);
  if (addon != null) return nativeSDD(backend, addon, inputs.a, inputs.b, attrs.layout);
  // The engine hands kernels the input tensors themselves, so public ops apply.
  return sddComposed(inputs.a as tf.Tensor, inputs.b as tf.Tensor, attrs.layout);
}

export const blockSparseSDDTensorflowConfig =
    defineKernel(BlockSparseSDD, 'tensorflow', blockSparseSDDTensorflow);
