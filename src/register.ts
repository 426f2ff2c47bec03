/**
 * Side-effect registration, run once on `import 'tfjs-blocksparse'`: each
 * backend's flat list of kernels, registered in a loop as tfjs's backends
 * register theirs (register_all_kernels.ts), then the gradients. Backend
 * packages are never imported here; a kernel for a backend that is not
 * installed simply waits in the registry.
 */
import * as tf from '@tensorflow/tfjs-core';

import {blockSparseDSDGradConfig} from '../gradients/BlockSparseDSD_grad';
import {blockSparseLSTMStepGradConfig} from '../gradients/BlockSparseLSTMStep_grad';
import {blockSparseMatMulGradConfig} from '../gradients/BlockSparseMatMul_grad';
import {blockSparseSDDGradConfig} from '../gradients/BlockSparseSDD_grad';
import {blockSparseSampledMatMulGradConfig} from '../gradients/BlockSparseSampledMatMul_grad';
import {blockSparseSoftmaxGradConfig} from '../gradients/BlockSparseSoftmax_grad';

import {cpuKernelConfigs} from './kernels/cpu/kernel_configs';
import {FALLBACK_BACKENDS, fallbackKernelConfigs} from './kernels/composed/kernel_configs';
import {tensorflowKernelConfigs} from './kernels/tensorflow/kernel_configs';
import {webgpuKernelConfigs} from './kernels/webgpu/kernel_configs';

export {FALLBACK_BACKENDS};

const kernelConfigs: tf.KernelConfig[] = [
  ...cpuKernelConfigs,
  ...webgpuKernelConfigs,
  ...tensorflowKernelConfigs,
  ...FALLBACK_BACKENDS.flatMap(backendName => fallbackKernelConfigs(backendName)),
];

/** The kernels whose KERNEL_GRADIENTS entry (kernel_names.ts) is 'registered'. */
const gradConfigs: tf.GradConfig[] = [
  blockSparseMatMulGradConfig,
  blockSparseSampledMatMulGradConfig,
  blockSparseLSTMStepGradConfig,
  blockSparseSDDGradConfig,
  blockSparseSoftmaxGradConfig,
  blockSparseDSDGradConfig,
];

// Once: a second copy of the package in one program (its CommonJS and ES
// module builds, say) keeps the first copy's kernels and gradients, where
// tfjs would override each with a warning.
function registerKernelOnce(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) == null) tf.registerKernel(config);
}

function registerGradientOnce(config: tf.GradConfig): void {
  if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
}

export function registerAll(): void {
  kernelConfigs.forEach(registerKernelOnce);
  gradConfigs.forEach(registerGradientOnce);
}

registerAll();
