/**
 * Every kernel on the `tensorflow` backend (tfjs-node, tfjs-node-gpu), one
 * per kernel name, each choosing the native op or composed ops per call
 * (define_tensorflow_kernel.ts). Nothing here imports tfjs-node: the kernels
 * take the backend's shape from tf_ops.ts and load the addon on first use.
 */
import type * as tf from '@tensorflow/tfjs-core';

import {blockSparseAttentionBackwardTensorflowConfig, blockSparseAttentionTensorflowConfig} from './BlockSparseAttention';
import {blockSparseDSDTensorflowConfig} from './BlockSparseDSD';
import {blockSparseLSTMStepTensorflowConfig} from './BlockSparseLSTMStep';
import {blockSparseLSTMStepBackwardTensorflowConfig} from './BlockSparseLSTMStepBackward';
import {blockSparseMatMulTensorflowConfig} from './BlockSparseMatMul';
import {blockSparseSampledMatMulTensorflowConfig} from './BlockSparseSampledMatMul';
import {blockSparseSDDTensorflowConfig} from './BlockSparseSDD';
import {blockSparseSoftmaxTensorflowConfig} from './BlockSparseSoftmax';
import {blockSparseSoftmaxBackwardTensorflowConfig} from './BlockSparseSoftmaxBackward';

export const tensorflowKernelConfigs: tf.KernelConfig[] = [
  blockSparseMatMulTensorflowConfig,
  blockSparseSampledMatMulTensorflowConfig,
  blockSparseLSTMStepTensorflowConfig,
  blockSparseLSTMStepBackwardTensorflowConfig,
  blockSparseSDDTensorflowConfig,
  blockSparseSoftmaxTensorflowConfig,
  blockSparseSoftmaxBackwardTensorflowConfig,
  blockSparseDSDTensorflowConfig,
  blockSparseAttentionTensorflowConfig,
  blockSparseAttentionBackwardTensorflowConfig,
];
