/**
 * The composed attention ops (attention_products.ts, attention_softmax.ts)
 * as kernel functions: the kernels of backends without attention kernels
 * of their own (cpu and webgpu have theirs), and the tensorflow kernels'
 * composed path.
 */
import * as tf from '@tensorflow/tfjs-core';

import {BlockSparseDSD, BlockSparseSDD, BlockSparseSoftmax, BlockSparseSoftmaxBackward} from '../../kernel_names';
import {KernelArgs} from '../define_kernel';

import {dsdComposed, sddComposed} from './attention_products';
import {softmaxBackwardComposed, softmaxComposed} from './attention_softmax';

// The engine hands kernels the input tensors themselves, so public ops apply.

export function sddComposedKernel(
    {inputs, attrs}: KernelArgs<typeof BlockSparseSDD, unknown>): tf.Tensor {
  return sddComposed(inputs.a as tf.Tensor, inputs.b as tf.Tensor, attrs.layout);
}

export function softmaxComposedKernel(
    {inputs, attrs}: KernelArgs<typeof BlockSparseSoftmax, unknown>): tf.Tensor {
  return softmaxComposed(
      inputs.scores as tf.Tensor, inputs.keyMask as tf.Tensor | undefined, attrs.layout,
      attrs.scale, attrs.causal);
}

export function softmaxBackwardComposedKernel(
    {inputs, attrs}: KernelArgs<typeof BlockSparseSoftmaxBackward, unknown>): tf.Tensor {
  return softmaxBackwardComposed(inputs.p as tf.Tensor, inputs.dp as tf.Tensor, attrs.layout, attrs.scale);
}

export function dsdComposedKernel(
    {inputs, attrs}: KernelArgs<typeof BlockSparseDSD, unknown>): tf.Tensor {
  return dsdComposed(inputs.p as tf.Tensor, inputs.v as tf.Tensor, attrs.layout, attrs.transposeP);
}
