import {BlockSparseDSD} from '../../kernel_names';
import {dsdComposedKernel} from '../composed/attention_kernels';

import {defineTensorflowKernel} from './define_tensorflow_kernel';
import {nativeDSD} from './native_attention';

/**
 * P . v (or P^T . v) on the tensorflow backend: the native op on the CPU,
 * else the blocks multiplied and summed per block row (column) with
 * composed tfjs ops.
 */
export const blockSparseDSDTensorflowConfig = defineTensorflowKernel(BlockSparseDSD, {
  native: ({inputs, attrs, backend}, addon) =>
      nativeDSD(backend, addon, inputs.p, inputs.v, attrs.layout, attrs.transposeP),
  composed: dsdComposedKernel,
});
