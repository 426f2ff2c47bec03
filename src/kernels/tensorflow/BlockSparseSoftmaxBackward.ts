import {BlockSparseSoftmaxBackward} from '../../kernel_names';
import {softmaxBackwardComposedKernel} from '../composed/attention_kernels';

import {defineTensorflowKernel} from './define_tensorflow_kernel';
import {nativeSoftmaxBackward} from './native_attention';

/**
 * The softmax's backward on the tensorflow backend: the native op on the
 * CPU, else composed tfjs ops (whose row sums run a blockSparseDSD).
 */
export const blockSparseSoftmaxBackwardTensorflowConfig =
    defineTensorflowKernel(BlockSparseSoftmaxBackward, {
      native: ({inputs, attrs, backend}, addon) =>
          nativeSoftmaxBackward(backend, addon, inputs.p, inputs.dp, attrs.layout, attrs.scale),
      composed: softmaxBackwardComposedKernel,
    });
