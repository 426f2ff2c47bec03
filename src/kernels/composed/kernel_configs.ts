/**
 * The kernels of the backends without block-sparse kernels of their own:
 * every kernel composed of standard tfjs ops, so a model never fails on a
 * backend just because it is sparse.
 */
import type * as tf from '@tensorflow/tfjs-core';

import {BlockSparseDSD, BlockSparseLSTMStep, BlockSparseLSTMStepBackward, BlockSparseMatMul, BlockSparseSampledMatMul, BlockSparseSDD, BlockSparseSoftmax, BlockSparseSoftmaxBackward} from '../../kernel_names';
import {defineKernel} from '../define_kernel';

import {dsdComposedKernel, sddComposedKernel, softmaxBackwardComposedKernel, softmaxComposedKernel} from './attention_kernels';
import {composedAttentionKernelConfigs} from './fused_attention';
import {lstmStepBackwardComposedKernel, lstmStepComposedKernel} from './lstm_step';
import {matMulViaDense, sampledMatMulViaDense} from './standard_ops';

/** Backends served by these kernels rather than their own. */
export const FALLBACK_BACKENDS = ['webgl', 'wasm'] as const;

/** The composed kernels for `backendName`, one per kernel name. */
export function fallbackKernelConfigs(backendName: string): tf.KernelConfig[] {
  return [
    defineKernel(BlockSparseMatMul, backendName, matMulViaDense),
    defineKernel(BlockSparseSampledMatMul, backendName, sampledMatMulViaDense),
    defineKernel(BlockSparseLSTMStep, backendName, lstmStepComposedKernel),
    defineKernel(BlockSparseLSTMStepBackward, backendName, lstmStepBackwardComposedKernel),
    defineKernel(BlockSparseSDD, backendName, sddComposedKernel),
    defineKernel(BlockSparseSoftmax, backendName, softmaxComposedKernel),
    defineKernel(BlockSparseSoftmaxBackward, backendName, softmaxBackwardComposedKernel),
    defineKernel(BlockSparseDSD, backendName, dsdComposedKernel),
    ...composedAttentionKernelConfigs(backendName),
  ];
}
