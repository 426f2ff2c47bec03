/**
 * The fused LSTM step and its backward on WebGPU (math in
 * src/kernel_names.ts). tfjs-webgpu gives each program one output, so each
 * kernel runs one program per output: forward the product with the gate
 * activations fused in (plus its segment sum on a split table), then c, then
 * h; backward dz, dcPrev, and dhPrev = dz . U^T through the product.
 */
import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseLSTMStep, BlockSparseLSTMStepBackward} from '../../kernel_names';
import {defineKernel, KernelArgs} from '../define_kernel';

import {blockSparseProductWebGPU} from './BlockSparseMatMul';
import {LSTMCellGradientProgram, LSTMGateGradientsProgram} from './lstm_step_backward_programs';
import {LSTM_GATES_EPILOGUE, LSTMCellProgram, LSTMHiddenProgram} from './lstm_step_programs';
import type {WebGPUBackendLike} from './webgpu_types';

export function blockSparseLSTMStepWebGPU(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseLSTMStep, WebGPUBackendLike>):
    [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo] {
  const {z, hPrev, cPrev, w} = inputs;
  const gates = blockSparseProductWebGPU(
      backend, hPrev, w, attrs.layout, false, {epilogue: LSTM_GATES_EPILOGUE, inputs: [z]});
  const c = backend.runWebGPUProgram(new LSTMCellProgram(cPrev.shape), [gates, cPrev], 'float32');
  const h = backend.runWebGPUProgram(new LSTMHiddenProgram(cPrev.shape), [gates, c], 'float32');
  return [h, c, gates];
}

export function blockSparseLSTMStepBackwardWebGPU(
    {inputs, attrs, backend}: KernelArgs<typeof BlockSparseLSTMStepBackward, WebGPUBackendLike>):
    [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo] {
  const {dh, dc, c, gates, cPrev, w} = inputs;
  const dz = backend.runWebGPUProgram(
      new LSTMGateGradientsProgram(gates.shape, c.shape), [gates, c, cPrev, dh, dc], 'float32');
  const dcPrev = backend.runWebGPUProgram(
      new LSTMCellGradientProgram(c.shape), [gates, c, dh, dc], 'float32');
  const dhPrev = blockSparseProductWebGPU(backend, dz, w, attrs.layout, true);
  return [dz, dhPrev, dcPrev];
}

export const blockSparseLSTMStepWebGPUConfig =
    defineKernel(BlockSparseLSTMStep, 'webgpu', blockSparseLSTMStepWebGPU);
export const blockSparseLSTMStepBackwardWebGPUConfig =
    defineKernel(BlockSparseLSTMStepBackward, 'webgpu', blockSparseLSTMStepBackwardWebGPU);
