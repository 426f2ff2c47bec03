import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseLSTMStep} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';
import {lstmStepComposedKernel} from '../fallback/lstm_step';

import {nativeAddonFor} from './kernel_path';
import {nativeLSTMStep} from './native_products';
import type {TFNodeBackend} from './tf_ops';

/**
 * One fused LSTM step on the tensorflow backend: the native op on the CPU
 * (one TensorFlow op call: product, gates and cell update), else the step
 * composed of tfjs ops around the block-sparse product, whose own kernel
 * then picks its plan.
 */
export function blockSparseLSTMStepTensorflow(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseLSTMStep, TFNodeBackend>):
    [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo] {
  const addon = nativeAddonFor(backend);
  if (addon != null) return nativeLSTMStep(backend, addon, inputs, attrs.layout);
  return lstmStepComposedKernel({inputs, attrs, backend});
}

export const blockSparseLSTMStepTensorflowConfig =
    defineKernel(BlockSparseLSTMStep, 'tensorflow', blockSparseLSTMStepTensorflow);
