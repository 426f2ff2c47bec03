/** Every kernel on the `cpu` backend, one per kernel name. */
import type * as tf from '@tensorflow/tfjs-core';

import {composedAttentionKernelConfigs} from '../composed/fused_attention';

import {blockSparseDSDCpuConfig} from './BlockSparseDSD';
import {blockSparseLSTMStepBackwardCpuConfig, blockSparseLSTMStepCpuConfig} from './BlockSparseLSTMStep';
import {blockSparseMatMulCpuConfig} from './BlockSparseMatMul';
import {blockSparseSampledMatMulCpuConfig} from './BlockSparseSampledMatMul';
import {blockSparseSDDCpuConfig} from './BlockSparseSDD';
import {blockSparseSoftmaxCpuConfig} from './BlockSparseSoftmax';
import {blockSparseSoftmaxBackwardCpuConfig} from './BlockSparseSoftmaxBackward';

export const cpuKernelConfigs: tf.KernelConfig[] = [
  blockSparseMatMulCpuConfig,
  blockSparseSampledMatMulCpuConfig,
  blockSparseLSTMStepCpuConfig,
  blockSparseLSTMStepBackwardCpuConfig,
  blockSparseSDDCpuConfig,
  blockSparseSoftmaxCpuConfig,
  blockSparseSoftmaxBackwardCpuConfig,
  blockSparseDSDCpuConfig,
  // No fused attention kernel here: the three kernels above, through tfjs.
  ...composedAttentionKernelConfigs('cpu'),
];
