/**
 * Every kernel on the `webgpu` backend, one per kernel name. The kernels
 * take the backend's shape from webgpu_types.ts, so nothing here imports
 * @tensorflow/tfjs-backend-webgpu.
 */
import type * as tf from '@tensorflow/tfjs-core';

import {composedAttentionKernelConfigs} from '../composed/fused_attention';

import {blockSparseDSDWebGPUConfig} from './BlockSparseDSD';
import {blockSparseLSTMStepBackwardWebGPUConfig, blockSparseLSTMStepWebGPUConfig} from './BlockSparseLSTMStep';
import {blockSparseMatMulWebGPUConfig} from './BlockSparseMatMul';
import {blockSparseSampledMatMulWebGPUConfig} from './BlockSparseSampledMatMul';
import {blockSparseSDDWebGPUConfig} from './BlockSparseSDD';
import {blockSparseSoftmaxBackwardWebGPUConfig, blockSparseSoftmaxWebGPUConfig} from './BlockSparseSoftmax';

export const webgpuKernelConfigs: tf.KernelConfig[] = [
  blockSparseMatMulWebGPUConfig,
  blockSparseSampledMatMulWebGPUConfig,
  blockSparseLSTMStepWebGPUConfig,
  blockSparseLSTMStepBackwardWebGPUConfig,
  blockSparseSDDWebGPUConfig,
  blockSparseSoftmaxWebGPUConfig,
  blockSparseSoftmaxBackwardWebGPUConfig,
  blockSparseDSDWebGPUConfig,
  // No fused attention kernel here: the three kernels above, through tfjs.
  ...composedAttentionKernelConfigs('webgpu'),
];
