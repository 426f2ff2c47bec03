import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSoftmax} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';
import {softmaxComposed} from '../fallback/attention_softmax';

import {nativeAddonFor} from './kernel_path';
import {nativeSoftmax} from './native_attention';
import type {TFNodeBackend} from './tf_ops';

/**
 * The block-sparse row softmax on the tensorflow backend: the native op on
 * the CPU (masks, maximum, exponentials and sums in one pass per row), else
 * composed tfjs ops.
 */
export function blockSparseSoftmaxTensorflow(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseSoftmax, TFNodeBackend>):
    tf.TensorInfo {
  const {layout, scale, causal} = attrs;
  const addon = nativeAddonFor(backend);
  if (addon != null) {
    return nativeSoftmax(backend, addon, inputs.scores, inputs.keyMask, layout, scale, causal);
  }
  // The engine hands kernels the input tensors themselves, so public ops apply.
  return softmaxComposed(
      inputs.scores as tf.Tensor, inputs.keyMask as tf.Tensor | undefined, layout, scale, causal);
}

export const blockSparseSoftmaxTensorflowConfig =
    defineKernel(BlockSparseSoftmax, 'tensorflow', blockSparseSoftmaxTensorflow);
