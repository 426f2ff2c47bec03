import {BlockSparseSDD} from '../../kernel_names';
import {sddComposedKernel} from '../composed/attention_kernels';

import {defineTensorflowKernel} from './define_tensorflow_kernel';
import {nativeSDD} from './native_attention';

/**
 * Attention scores on the tensorflow backend: the native op on the CPU,
 * else the blocks gathered and multiplied with composed tfjs ops.
 */
export const blockSparseSDDTensorflowConfig = defineTensorflowKernel(BlockSparseSDD, {
  native: ({inputs, attrs, backend}, addon) =>
      nativeSDD(backend, addon, inputs.a, inputs.b, attrs.layout),
  composed: sddComposedKernel,
});
