/**
 * Kernel configs of the composed attention ops (attention_products.ts,
 * attention_softmax.ts) for a backend without kernels of its own (cpu and
 * webgpu have theirs; the tensorflow kernels call the same functions off
 * their native path).
 */
import * as tf from '@tensorflow/tfjs-core';

import {BlockSparseDSD, BlockSparseSDD, BlockSparseSoftmax, BlockSparseSoftmaxBackward} from '../../kernel_names';
import {defineKernel} from '../define_kernel';

import {dsdComposed, sddComposed} from './attention_products';
import {softmaxBackwardComposed, softmaxComposed} from './attention_softmax';

// The engine hands kernels the input tensors themselves, so public ops apply.
export function composedAttentionKernelConfigs(backendName: string): tf.KernelConfig[] {
  return [
    defineKernel(
        BlockSparseSDD, backendName,
        ({inputs, attrs}) => sddComposed(inputs.a as tf.Tensor, inputs.b as tf.Tensor, attrs.layout)),
    defineKernel(
        BlockSparseSoftmax, backendName,
        ({inputs, attrs}) => softmaxComposed(
            inputs.scores as tf.Tensor, inputs.keyMask as tf.Tensor | undefined, attrs.layout,
            attrs.scale, attrs.causal)),
    defineKernel(
        BlockSparseSoftmaxBackward, backendName,
        ({inputs, attrs}) => softmaxBackwardComposed(
            inputs.p as tf.Tensor, inputs.dp as tf.Tensor, attrs.layout, attrs.scale)),
    defineKernel(
        BlockSparseDSD, backendName,
        ({inputs, attrs}) => dsdComposed(
            inputs.p as tf.Tensor, inputs.v as tf.Tensor, attrs.layout, attrs.transposeP)),
  ];
}
