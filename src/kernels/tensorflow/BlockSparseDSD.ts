import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseDSD} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';
import {dsdComposed} from '../fallback/attention_products';

import {nativeAddonFor} from './kernel_path';
import {nativeDSD} from './native_attention';
import type {TFNodeBackend} from './tf_ops';

/**
 * P . v (or P^T . v) on the tensorflow backend: the native op on the CPU,
 * else the blocks multiplied and summed per block row (column) with
 * composed tfjs ops.
 */
export function blockSparseDSDTensorflow(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseDSD, TFNodeBackend>): tf.TensorInfo {
  const {layout, transposeP} = attrs;
  const addon = nativeAddonFor(backend);
  if (addon != null) return nativeDSD(backend, addon, inputs.p, inputs.v, layout, transposeP);
  // The engine hands kernels the input tensors themselves, so public ops apply.
  return dsdComposed(inputs.p as tf.Tensor, inputs.v as tf.Tensor, layout, transposeP);
}

export const blockSparseDSDTensorflowConfig =
    defineKernel(BlockSparseDSD, 'tensorflow', blockSparseDSDTensorflow);
