import {BlockSparseSoftmax} from '../../kernel_names';
import {softmaxComposedKernel} from '../composed/attention_kernels';

import {defineTensorflowKernel} from './define_tensorflow_kernel';
import {nativeSoftmax} from './native_attention';

/**
 * The block-sparse row softmax on the tensorflow backend: the native op on
 * the CPU (masks, maximum, exponentials and sums in one pass per row), else
 * composed tfjs ops.
 */
export const blockSparseSoftmaxTensorflowConfig = defineTensorflowKernel(BlockSparseSoftmax, {
  native: ({inputs, attrs, backend}, addon) => nativeSoftmax(
      backend, addon, inputs.scores, inputs.keyMask, attrs.layout, attrs.scale, attrs.causal),
  composed: softmaxComposedKernel,
});
