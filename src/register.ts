/**
 * Side-effect registration, run once on `import 'tfjs-blocksparse'`: kernels
 * for every backend we know and the gradients. Backend packages are never
 * imported here; a kernel for a backend that is not installed simply waits in
 * the registry.
 */
import * as tf from '@tensorflow/tfjs-core';

import {blockSparseDSDGradConfig} from '../gradients/BlockSparseDSD_grad';
import {blockSparseLSTMStepGradConfig} from '../gradients/BlockSparseLSTMStep_grad';
import {blockSparseMatMulGradConfig} from '../gradients/BlockSparseMatMul_grad';
import {blockSparseSDDGradConfig} from '../gradients/BlockSparseSDD_grad';
import {blockSparseSampledMatMulGradConfig} from '../gradients/BlockSparseSampledMatMul_grad';
import {blockSparseSoftmaxGradConfig} from '../gradients/BlockSparseSoftmax_grad';

import {blockSparseDSDCpuConfig} from './kernels/cpu/BlockSparseDSD';
import {blockSparseLSTMStepBackwardCpuConfig, blockSparseLSTMStepCpuConfig} from './kernels/cpu/BlockSparseLSTMStep';
import {blockSparseMatMulCpuConfig} from './kernels/cpu/BlockSparseMatMul';
import {blockSparseSDDCpuConfig} from './kernels/cpu/BlockSparseSDD';
import {blockSparseSampledMatMulCpuConfig} from './kernels/cpu/BlockSparseSampledMatMul';
import {blockSparseSoftmaxCpuConfig} from './kernels/cpu/BlockSparseSoftmax';
import {blockSparseSoftmaxBackwardCpuConfig} from './kernels/cpu/BlockSparseSoftmaxBackward';
import {composedAttentionKernelConfigs} from './kernels/fallback/attention_kernels';
import {composedFusedAttentionKernelConfigs} from './kernels/fallback/fused_attention';
import {composedLSTMStepKernelConfigs} from './kernels/fallback/lstm_step';
import {standardOpsKernelConfigs} from './kernels/fallback/standard_ops';
import {blockSparseAttentionBackwardTensorflowConfig, blockSparseAttentionTensorflowConfig} from './kernels/tensorflow/BlockSparseAttention';
import {blockSparseDSDTensorflowConfig} from './kernels/tensorflow/BlockSparseDSD';
import {blockSparseLSTMStepTensorflowConfig} from './kernels/tensorflow/BlockSparseLSTMStep';
import {blockSparseLSTMStepBackwardTensorflowConfig} from './kernels/tensorflow/BlockSparseLSTMStepBackward';
import {blockSparseMatMulTensorflowConfig} from './kernels/tensorflow/BlockSparseMatMul';
import {blockSparseSampledMatMulTensorflowConfig} from './kernels/tensorflow/BlockSparseSampledMatMul';
import {blockSparseSDDTensorflowConfig} from './kernels/tensorflow/BlockSparseSDD';
import {blockSparseSoftmaxTensorflowConfig} from './kernels/tensorflow/BlockSparseSoftmax';
import {blockSparseSoftmaxBackwardTensorflowConfig} from './kernels/tensorflow/BlockSparseSoftmaxBackward';
import {blockSparseDSDWebGPUConfig} from './kernels/webgpu/BlockSparseDSD';
import {blockSparseLSTMStepBackwardWebGPUConfig, blockSparseLSTMStepWebGPUConfig} from './kernels/webgpu/BlockSparseLSTMStep';
import {blockSparseMatMulWebGPUConfig} from './kernels/webgpu/BlockSparseMatMul';
import {blockSparseSampledMatMulWebGPUConfig} from './kernels/webgpu/BlockSparseSampledMatMul';
import {blockSparseSDDWebGPUConfig} from './kernels/webgpu/BlockSparseSDD';
import {blockSparseSoftmaxBackwardWebGPUConfig, blockSparseSoftmaxWebGPUConfig} from './kernels/webgpu/BlockSparseSoftmax';

/** Backends served by the standard-ops fallback rather than own kernels. */
export const FALLBACK_BACKENDS = ['webgl', 'wasm'] as const;

function registerKernelOnce(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) == null) {
    tf.registerKernel(config);
  }
}

function registerGradientOnce(config: tf.GradConfig): void {
  if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
}

export function registerAll(): void {
  registerKernelOnce(blockSparseMatMulCpuConfig);
  registerKernelOnce(blockSparseSampledMatMulCpuConfig);
  registerKernelOnce(blockSparseLSTMStepCpuConfig);
  registerKernelOnce(blockSparseLSTMStepBackwardCpuConfig);
  registerKernelOnce(blockSparseMatMulWebGPUConfig);
  registerKernelOnce(blockSparseSampledMatMulWebGPUConfig);
  registerKernelOnce(blockSparseLSTMStepWebGPUConfig);
  registerKernelOnce(blockSparseLSTMStepBackwardWebGPUConfig);
  // tfjs-node and tfjs-node-gpu: native ops or composed TensorFlow ops, no import of them.
  registerKernelOnce(blockSparseMatMulTensorflowConfig);
  registerKernelOnce(blockSparseSampledMatMulTensorflowConfig);
  registerKernelOnce(blockSparseLSTMStepTensorflowConfig);
  registerKernelOnce(blockSparseLSTMStepBackwardTensorflowConfig);
  for (const backendName of FALLBACK_BACKENDS) {
    standardOpsKernelConfigs(backendName).forEach(registerKernelOnce);
    composedLSTMStepKernelConfigs(backendName).forEach(registerKernelOnce);
  }
  registerGradientOnce(blockSparseMatMulGradConfig);
  registerGradientOnce(blockSparseSampledMatMulGradConfig);
  registerGradientOnce(blockSparseLSTMStepGradConfig);
  registerAttention();
}

/** Attention backends served by the composed kernels until they have their own. */
const COMPOSED_ATTENTION_BACKENDS = ['webgl', 'wasm'] as const;

function registerAttention(): void {
  registerKernelOnce(blockSparseSDDCpuConfig);
  registerKernelOnce(blockSparseSoftmaxCpuConfig);
  registerKernelOnce(blockSparseSoftmaxBackwardCpuConfig);
  registerKernelOnce(blockSparseDSDCpuConfig);
  // tensorflow: native ops on the CPU, else the composed kernels' functions.
  registerKernelOnce(blockSparseSDDTensorflowConfig);
  registerKernelOnce(blockSparseSoftmaxTensorflowConfig);
  registerKernelOnce(blockSparseSoftmaxBackwardTensorflowConfig);
  registerKernelOnce(blockSparseDSDTensorflowConfig);
  registerKernelOnce(blockSparseSDDWebGPUConfig);
  registerKernelOnce(blockSparseSoftmaxWebGPUConfig);
  registerKernelOnce(blockSparseSoftmaxBackwardWebGPUConfig);
  registerKernelOnce(blockSparseDSDWebGPUConfig);
  for (const backendName of COMPOSED_ATTENTION_BACKENDS) {
    composedAttentionKernelConfigs(backendName).forEach(registerKernelOnce);
  }
  // The fused kernel: native on tensorflow, the three kernels above elsewhere.
  registerKernelOnce(blockSparseAttentionTensorflowConfig);
  registerKernelOnce(blockSparseAttentionBackwardTensorflowConfig);
  for (const backendName of ['cpu', 'webgpu', ...COMPOSED_ATTENTION_BACKENDS]) {
    composedFusedAttentionKernelConfigs(backendName).forEach(registerKernelOnce);
  }
  registerGradientOnce(blockSparseSDDGradConfig);
  registerGradientOnce(blockSparseSoftmaxGradConfig);
  registerGradientOnce(blockSparseDSDGradConfig);
}

registerAll();
