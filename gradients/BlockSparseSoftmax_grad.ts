import * as tf from '@tensorflow/tfjs-core';

import {BlockSparseSoftmax, BlockSparseSoftmaxBackward, BlockSparseSoftmaxBackwardAttrs} from '../src/kernel_names';
import {defineGradient, toNamedAttrMap} from '../src/kernels/define_kernel';

/**
 * P = softmax(scale * S) per row over the allowed entries of its kept
 * blocks, so dS = scale * P * (dP - rowsum(dP * P)) on the kept blocks: one
 * BlockSparseSoftmaxBackward kernel from the saved output. Masked entries
 * have P = 0 and get 0. The key mask is a constant: its gradient is zero.
 */
export const blockSparseSoftmaxGradConfig = defineGradient(
    BlockSparseSoftmax, {inputs: [], outputs: [true]}, (dP, [probs], {layout, scale}) => ({
      scores: () => {
        const attrs: BlockSparseSoftmaxBackwardAttrs = {layout, scale};
        return tf.engine().runKernel(
                   BlockSparseSoftmaxBackward, {p: probs, dp: dP},
                   toNamedAttrMap(BlockSparseSoftmaxBackward, attrs)) as tf.Tensor;
      },
      keyMask: () => tf.zeros([probs.shape[0], layout.inputSize]),
    }));
