import * as tf from '@tensorflow/tfjs-core';

import {blockSparseDSD} from '../ops/block_sparse_dsd';
import {BlockSparseSoftmax} from '../src/kernel_names';
import {defineGradient} from '../src/kernels/define_kernel';

/**
 * P = softmax(scale * S) per row over the allowed entries of its kept
 * blocks, so dS = scale * P * (dP - rowsum(dP * P)), on the kept blocks only.
 * Masked entries have P = 0 and get 0. The row sums are the block-sparse
 * product (dP * P) . 1, gathered back onto each block's rows. The key mask
 * is a constant: its gradient is zero.
 */
export const blockSparseSoftmaxGradConfig = defineGradient(
    BlockSparseSoftmax, {inputs: [], outputs: [true]}, (dP, [probs], {layout, scale}) => ({
      scores: () => {
        const [batch, heads] = probs.shape;
        const {blockRows, blockSize, inputSize: S} = layout;
        const weighted = tf.mul(dP, probs);
        const rowSums = blockSparseDSD(weighted, tf.ones([batch, heads, S, 1]), layout);
        const perBlock = tf.gather(
            tf.reshape(rowSums, [batch, heads, blockRows, blockSize]),
            tf.tensor1d(layout.blockRow, 'int32'), 2);
        return tf.mul(tf.mul(probs, tf.sub(dP, tf.expandDims(perBlock, -1))), scale);
      },
      keyMask: () => tf.zeros([probs.shape[0], layout.inputSize]),
    }));
