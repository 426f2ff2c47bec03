import {BlockSparseAttention, BlockSparseAttentionBackward} from '../../kernel_names';
import {attentionBackwardComposed, attentionComposed} from '../composed/fused_attention';

import {defineTensorflowKernel} from './define_tensorflow_kernel';
import {nativeAttention, nativeAttentionBackward} from './native_attention';

/**
 * Attention on the tensorflow backend: the native op on the CPU (scores,
 * softmax and product of a block row in one pass), else the three
 * attention kernels.
 */
export const blockSparseAttentionTensorflowConfig = defineTensorflowKernel(BlockSparseAttention, {
  native: ({inputs, attrs, backend}, addon) => nativeAttention(backend, addon, inputs, attrs),
  composed: attentionComposed,
});

/** Its backward: the native op on the CPU (two passes), else composed. */
export const blockSparseAttentionBackwardTensorflowConfig =
    defineTensorflowKernel(BlockSparseAttentionBackward, {
      native: ({inputs, attrs, backend}, addon) =>
          nativeAttentionBackward(backend, addon, inputs, attrs),
      composed: attentionBackwardComposed,
    });
