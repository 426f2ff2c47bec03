import * as tf from '@tensorflow/tfjs-core';

import {BlockSparseAttention, BlockSparseAttentionBackward, BlockSparseAttentionBackwardAttrs} from '../src/kernel_names';
import {defineGradient, toNamedAttrMap} from '../src/kernels/define_kernel';

/**
 * The gradient of out (probs is the op's internal output: nothing flows
 * into it) from one BlockSparseAttentionBackward kernel, run here rather
 * than in the per-input functions: the engine calls each of those in its
 * own tidy, which would free the results the others need. The key mask is
 * a constant: its gradient is zero.
 */
export const blockSparseAttentionGradConfig = defineGradient(
    BlockSparseAttention, {inputs: ['q', 'k', 'v'], outputs: [false, true]},
    ([dy], [q, k, v, probs], {layout, scale, causal}) => {
      const attrs: BlockSparseAttentionBackwardAttrs = {layout, scale, causal};
      const [dq, dk, dv] = tf.engine().runKernel(
                               BlockSparseAttentionBackward, {q: q!, k: k!, v: v!, probs: probs!, dy: dy!},
                               toNamedAttrMap(BlockSparseAttentionBackward, attrs)) as tf.Tensor[];
      return {
        q: () => dq!,
        k: () => dk!,
        v: () => dv!,
        keyMask: () => tf.zeros([q!.shape[0]!, layout.inputSize]),
      };
    });
