/**
 * The fused LSTM step and its backward on WebGPU (math in
 * src/kernel_names.ts). tfjs-webgpu gives each program one output, so each
 * kernel runs one program per output: forward the product with the gate
 * activations fused in (plus its segment sum on a split table), then c, then
 * h; backward dz, dcPrev, and dhPrev = dz . U^T through the product (and,
 * with a mask, one more program that passes dh back on masked rows).
 */
import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseLSTMStep, BlockSparseLSTMStepBackward} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

import {blockSparseProductWebGPU} from './BlockSparseMatMul';
import {LSTMCellGradientProgram, LSTMGateGradientsProgram, MaskedRowsProgram} from './lstm_step_backward_programs';
import {LSTM_GATES_EPILOGUE, LSTMCellProgram, LSTMHiddenProgram} from './lstm_step_programs';
import type {WebGPUBackendLike} from './webgpu_types';

export function blockSparseLSTMStepWebGPU(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseLSTMStep, WebGPUBackendLike>):
    [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo] {
  const {z, hPrev, cPrev, w, mask} = inputs;
  const gates = blockSparseProductWebGPU(
      backend, hPrev, w, attrs.layout, false, {epilogue: LSTM_GATES_EPILOGUE, inputs: [z]});
  const masked = mask != null;
  const c = backend.runWebGPUProgram(
      new LSTMCellProgram(cPrev.shape, masked), masked ? [gates, cPrev, mask] : [gates, cPrev],
      'float32');
  const h = backend.runWebGPUProgram(
      new LSTMHiddenProgram(cPrev.shape, masked), masked ? [gates, c, hPrev, mask] : [gates, c],
      'float32');
  return [h, c, gates];
}

export function blockSparseLSTMStepBackwardWebGPU(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseLSTMStepBackward, WebGPUBackendLike>):
    [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo] {
  const {dh, dc, c, gates, cPrev, w, mask} = inputs;
  const withMask = (tensors: tf.TensorInfo[]) => mask == null ? tensors : [...tensors, mask];
  const dz = backend.runWebGPUProgram(
      new LSTMGateGradientsProgram(gates.shape, c.shape, mask != null),
      withMask([gates, c, cPrev, dh, dc]), 'float32');
  const dcPrev = backend.runWebGPUProgram(
      new LSTMCellGradientProgram(c.shape, mask != null), withMask([gates, c, dh, dc]), 'float32');
  const product = blockSparseProductWebGPU(backend, dz, w, attrs.layout, true);
  if (mask == null) return [dz, product, dcPrev];
  // Rows that kept their state pass dh back; their dz rows are 0, so their product rows are too.
  const dhPrev = backend.runWebGPUProgram(
      new MaskedRowsProgram(dh.shape), [product, dh, mask], 'float32');
  backend.disposeData(product.dataId);
  return [dz, dhPrev, dcPrev];
}

export const blockSparseLSTMStepWebGPUConfig =
    defineKernel(BlockSparseLSTMStep, 'webgpu', blockSparseLSTMStepWebGPU);
export const blockSparseLSTMStepBackwardWebGPUConfig =
    defineKernel(BlockSparseLSTMStepBackward, 'webgpu', blockSparseLSTMStepBackwardWebGPU);
