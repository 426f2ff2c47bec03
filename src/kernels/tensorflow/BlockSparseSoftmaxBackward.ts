import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSoftmaxBackward} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';
import {softmaxBackwardComposed} from '../fallback/attention_softmax';

import {nativeAddonFor} from './kernel_path';
import {nativeSoftmaxBackward} from './native_attention';
import type {TFNodeBackend} from './tf_ops';

/**
 * The softmax's backward on the tensorflow backend: the native op on the
 * CPU, else composed tfjs ops (whose row sums run a blockSparseDSD).
 */
export function blockSparseSoftmaxBackwardTensorflow(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseSoftmaxBackward, TFNodeBackend>):
    tf.TensorInfo {
  const {layout, scale} = attrs;
  const addon = nativeAddonFor(backend);
  if (addon != null) return nativeSoftmaxBackward(backend, addon, inputs.p, inputs.dp, layout, scale);
  // The engine hands kernels the input tensors themselves, so public ops apply.
  return softmaxBackwardComposed(inputs.p as tf.Tensor, inputs.dp as tf.Tensor, layout, scale);
}

export const blockSparseSoftmaxBackwardTensorflowConfig = defineKernel(
    BlockSparseSoftmaxBackward, 'tensorflow', blockSparseSoftmaxBackwardTensorflow);
