import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseLSTMStepBackward} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';
import {lstmStepBackwardComposedKernel} from '../fallback/lstm_step';

import {nativeAddonFor} from './kernel_path';
import {nativeLSTMStepBackward} from './native_products';
import type {TFNodeBackend} from './tf_ops';

/**
 * The LSTM step's backward on the tensorflow backend: the native op on the
 * CPU (dz and dcPrev elementwise, then dhPrev = dz . U^T, in one TensorFlow
 * op call), else composed of tfjs ops around the block-sparse product.
 */
export function blockSparseLSTMStepBackwardTensorflow(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseLSTMStepBackward, TFNodeBackend>):
    [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo] {
  const addon = nativeAddonFor(backend);
  if (addon != null) return nativeLSTMStepBackward(backend, addon, inputs, attrs.layout);
  return lstmStepBackwardComposedKernel({inputs, attrs, backend});
}

export const blockSparseLSTMStepBackwardTensorflowConfig = defineKernel(
    BlockSparseLSTMStepBackward, 'tensorflow', blockSparseLSTMStepBackwardTensorflow);
